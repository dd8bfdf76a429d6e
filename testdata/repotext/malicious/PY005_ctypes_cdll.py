import ctypes

lib = ctypes.cdll.LoadLibrary('./libkernel.so')
