"""Writes a Keras-2-layout HDF5 model of about SIZE bytes for `cargo xtask bench`.

Root attributes as Keras 2 writes them (keras_version, backend, model_config,
training_config) and a model_weights group of Dense layers whose float32
kernels are random. Usage: python keras_h5.py OUT SIZE_BYTES
"""
import json
import sys

import h5py
import numpy as np

out, size = sys.argv[1], int(sys.argv[2])
layers = 20
per = size // layers // 4
width = 1024
rows = max(1, per // width)
config = {
    "class_name": "Sequential",
    "config": {
        "name": "bench",
        "layers": [
            {"class_name": "Dense", "config": {"name": f"dense_{i}", "units": width, "activation": "relu"}}
            for i in range(layers)
        ],
    },
}
rng = np.random.default_rng(7)
with h5py.File(out, "w") as f:
    f.attrs["keras_version"] = "2.15.0"
    f.attrs["backend"] = "tensorflow"
    f.attrs["model_config"] = json.dumps(config)
    f.attrs["training_config"] = json.dumps({"loss": "mse", "optimizer_config": {"class_name": "Adam", "config": {}}})
    weights = f.create_group("model_weights")
    weights.attrs["layer_names"] = [f"dense_{i}".encode() for i in range(layers)]
    for i in range(layers):
        g = weights.create_group(f"dense_{i}").create_group(f"dense_{i}")
        g.create_dataset("kernel:0", data=rng.standard_normal((rows, width), dtype=np.float32))
        g.create_dataset("bias:0", data=np.zeros(width, dtype=np.float32))
