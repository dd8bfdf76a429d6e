import os
import sys

sys.path.insert(0, '/tmp/sentrascan-fixture')
with open(os.path.expanduser('~/.bashrc'), 'a') as f:
    f.write('echo sentrascan-fixture\n')
