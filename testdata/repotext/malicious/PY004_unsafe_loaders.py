import pickle
import torch
import yaml

state = torch.load('pytorch_model.bin', map_location='cpu')
cfg = yaml.load(open('config.yaml'), Loader=yaml.Loader)
ok = torch.load('weights.pt', weights_only=True)
safe = yaml.safe_load(open('config.yaml'))
