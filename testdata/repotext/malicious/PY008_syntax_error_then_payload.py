def broken(:
    pass

import os
os.system('echo sentrascan-fixture')
