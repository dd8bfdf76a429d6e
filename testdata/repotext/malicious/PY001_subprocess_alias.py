from subprocess import Popen as P
import torch


class M(torch.nn.Module):
    pass


P(['sh', '-c', 'echo sentrascan-fixture'])
