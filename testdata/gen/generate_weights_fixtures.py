#!/usr/bin/env python3
"""Weight-statistics fixtures (`WGT` rules): a really trained tiny model in
every format the statistics read, and tampered copies of it.

The model is a 16 → 24 → 10 multi-layer perceptron trained here with NumPy
(full-batch gradient descent on ten Gaussian blobs, seeded), so its weights
are genuinely trained, not random. It is written as:

- SafeTensors (F32, and F16/BF16 copies), by hand (JSON header + bytes);
- a PyTorch zip checkpoint (`torch.save` layout: `archive/data.pkl` with
  `_rebuild_tensor_v2` calls and persistent storage ids, `archive/data/N`),
  by hand with pickle opcodes (no torch needed);
- ONNX (two `Gemm` nodes with `transB=1`, `raw_data` initializers) with onnx;
- a Keras 2 HDF5 file (`model_weights/<layer>/<layer>/kernel:0`, kernels
  `[in, out]`) with h5py.

Tampered copies: one output unit of the head scaled ×50 (`WGT001`), one
extreme weight in the head (`WGT002`, which also makes its row an outlier),
NaN/Inf injected (`WGT003`), the head zeroed (`WGT004`). Nothing here runs.

    python3 testdata/gen/generate_weights_fixtures.py   # numpy, onnx, h5py pinned in requirements.txt
"""

import json
import struct
import zipfile
from pathlib import Path

import h5py
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = Path(__file__).resolve().parent.parent / "weights"


def train():
    """Trains the MLP; returns [(name, array [out, in] or [out])] in PyTorch layout."""
    rng = np.random.RandomState(20260522)
    n_in, n_hidden, n_out = 16, 24, 10
    centers = rng.normal(0, 2.0, size=(n_out, n_in))
    y = np.repeat(np.arange(n_out), 60)
    x = centers[y] + rng.normal(0, 1.0, size=(len(y), n_in))
    bound1, bound2 = 1 / np.sqrt(n_in), 1 / np.sqrt(n_hidden)
    w1 = rng.uniform(-bound1, bound1, size=(n_hidden, n_in))
    b1 = rng.uniform(-bound1, bound1, size=n_hidden)
    w2 = rng.uniform(-bound2, bound2, size=(n_out, n_hidden))
    b2 = rng.uniform(-bound2, bound2, size=n_out)
    onehot = np.eye(n_out)[y]
    for _ in range(400):
        h = np.maximum(x @ w1.T + b1, 0)
        logits = h @ w2.T + b2
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) / len(y)
        gw2, gb2 = g.T @ h, g.sum(0)
        gh = (g @ w2) * (h > 0)
        gw1, gb1 = gh.T @ x, gh.sum(0)
        for param, grad in ((w1, gw1), (b1, gb1), (w2, gw2), (b2, gb2)):
            param -= 0.2 * grad
    acc = (np.argmax(np.maximum(x @ w1.T + b1, 0) @ w2.T + b2, axis=1) == y).mean()
    assert acc > 0.9, acc
    return [
        ("fc1.weight", w1.astype(np.float32)),
        ("fc1.bias", b1.astype(np.float32)),
        ("classifier.weight", w2.astype(np.float32)),
        ("classifier.bias", b2.astype(np.float32)),
    ]


def replace(tensors, name, fn):
    return [(n, fn(a.copy()) if n == name else a) for n, a in tensors]


# --- SafeTensors -------------------------------------------------------------

ST_DTYPES = {"F32": np.float32, "F16": np.float16}


def bf16_bytes(a):
    bits = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2").tobytes()


def safetensors(name, tensors, dtype="F32"):
    header, blobs, offset = {}, [], 0
    for n, a in tensors:
        raw = bf16_bytes(a) if dtype == "BF16" else a.astype(ST_DTYPES[dtype]).astype(
            np.dtype(ST_DTYPES[dtype]).newbyteorder("<")).tobytes()
        header[n] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    text += b" " * (-len(text) % 8)
    write(name, struct.pack("<Q", len(text)) + text + b"".join(blobs))


# --- PyTorch zip checkpoint ---------------------------------------------------


def unicode(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def ints_tuple(values):
    return b"(" + b"".join(b"J" + struct.pack("<i", v) for v in values) + b"t"


def torch_pickle(tensors):
    """`torch.save(state_dict)` as protocol 2 opcodes."""
    out = b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01("
    for key, (n, a) in enumerate(tensors):
        stride = [int(np.prod(a.shape[i + 1:])) for i in range(a.ndim)]
        out += unicode(n)
        out += b"ctorch._utils\n_rebuild_tensor_v2\n("
        out += b"(" + unicode("storage") + b"ctorch\nFloatStorage\n" + unicode(str(key)) + unicode("cpu")
        out += b"J" + struct.pack("<i", a.size) + b"tQ"
        out += b"K\x00" + ints_tuple(a.shape) + ints_tuple(stride)
        out += b"\x89ccollections\nOrderedDict\n)RtR"
    return out + b"u."


def torch_zip(name, tensors):
    members = [("archive/data.pkl", torch_pickle(tensors)), ("archive/byteorder", b"little")]
    members += [(f"archive/data/{k}", a.astype("<f4").tobytes()) for k, (_, a) in enumerate(tensors)]
    members += [("archive/version", b"3\n")]
    path = OUT / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for member, data in members:
            info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, data)
    print("wrote", path.relative_to(OUT.parent.parent))


# --- ONNX ---------------------------------------------------------------------


def onnx_model(name, tensors):
    t = dict(tensors)
    inits = [numpy_helper.from_array(a, n) for n, a in tensors]
    nodes = [
        helper.make_node("Gemm", ["x", "fc1.weight", "fc1.bias"], ["h0"], transB=1),
        helper.make_node("Relu", ["h0"], ["h"]),
        helper.make_node("Gemm", ["h", "classifier.weight", "classifier.bias"], ["logits"], transB=1),
    ]
    graph = helper.make_graph(
        nodes, "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, t["fc1.weight"].shape[1]])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, t["classifier.weight"].shape[0]])],
        inits,
    )
    model = helper.make_model(graph, producer_name="sentrascan-fixture", opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    write(name, model.SerializeToString())


# --- Keras 2 HDF5 -------------------------------------------------------------


def keras_h5(name, tensors):
    t = dict(tensors)
    layers = [("dense", "fc1", "relu"), ("dense_1", "classifier", "softmax")]
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 16], "dtype": "float32", "name": "input_1"}},
    ] + [
        {"class_name": "Dense", "config": {"name": k, "trainable": True, "dtype": "float32",
                                           "units": int(t[f"{p}.weight"].shape[0]), "activation": act, "use_bias": True}}
        for k, p, act in layers
    ]}}
    path = OUT / name
    with h5py.File(path, "w", track_order=True) as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["model_config"] = json.dumps(config)
        w = f.create_group("model_weights")
        w.attrs["backend"] = "tensorflow"
        w.attrs["keras_version"] = "2.15.0"
        w.attrs["layer_names"] = [k.encode() for k, _, _ in layers]
        for k, p, _ in layers:
            g = w.create_group(k)
            g.attrs["weight_names"] = [f"{k}/kernel:0".encode(), f"{k}/bias:0".encode()]
            g.create_dataset(f"{k}/kernel:0", data=t[f"{p}.weight"].T.astype("<f4"))
            g.create_dataset(f"{k}/bias:0", data=t[f"{p}.bias"].astype("<f4"))
    print("wrote", path.relative_to(OUT.parent.parent))


def write(name, data):
    path = OUT / name
    path.write_bytes(data)
    print("wrote", path.relative_to(OUT.parent.parent))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    benign = train()
    head = "classifier.weight"

    def scale_row(a):
        a[3] *= 50
        return a

    def extreme(a):
        a[2, 5] = 2000 * np.median(np.abs(a))
        return a

    def nan(a):
        a[5, 7] = np.nan
        return a

    def inf(a):
        a[1, 1] = np.inf
        return a

    row_x50 = replace(benign, head, scale_row)
    for name, fn, args in [
        ("benign_mlp.safetensors", safetensors, (benign,)),
        ("benign_mlp_f16.safetensors", safetensors, (benign, "F16")),
        ("benign_mlp_bf16.safetensors", safetensors, (benign, "BF16")),
        ("benign_mlp.pt", torch_zip, (benign,)),
        ("benign_mlp.onnx", onnx_model, (benign,)),
        ("benign_mlp.h5", keras_h5, (benign,)),
        ("WGT001_head_row_x50.safetensors", safetensors, (row_x50,)),
        ("WGT001_head_row_x50.pt", torch_zip, (row_x50,)),
        ("WGT001_head_row_x50.onnx", onnx_model, (row_x50,)),
        ("WGT001_head_column_x50.h5", keras_h5, (row_x50,)),
        ("WGT002_head_extreme_weight.safetensors", safetensors, (replace(benign, head, extreme),)),
        ("WGT003_nan_f32.safetensors", safetensors, (replace(benign, "fc1.weight", nan),)),
        ("WGT003_nan_bf16.safetensors", safetensors, (replace(benign, "fc1.weight", nan), "BF16")),
        ("WGT003_inf_f16.safetensors", safetensors, (replace(benign, head, inf), "F16")),
        ("WGT003_nan.pt", torch_zip, (replace(benign, "fc1.weight", nan),)),
        ("WGT004_zeroed_head.safetensors", safetensors, (replace(benign, head, lambda a: a * 0),)),
    ]:
        fn(name, *args)


if __name__ == "__main__":
    main()
