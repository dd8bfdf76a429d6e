#!/usr/bin/env python3
"""Measures, on real trained models, the statistics the `WGT` rules use, over
EVERY weight matrix (not only the heads the rules judge) and both axes, so
the thresholds in docs/weights.md can be checked against the benign spread.

    python3 testdata/gen/measure_weights_benign.py FILE...   # .safetensors, .onnx, .pt/.pth (zip), .h5

Reads tensors with safetensors/onnx/h5py, and PyTorch zips with a restricted
unpickler that only maps the tensor-rebuilding globals (nothing else is
resolved). Prints, per file, the largest norm ratio (max/median unit norm),
the robust z-score of that unit, the largest max|w|/median|w|, and the
counts of non-finite values and constant matrices.
"""

import io
import pickle
import sys
import zipfile
from collections import OrderedDict

import numpy as np

STORAGES = {"FloatStorage": np.float32, "HalfStorage": np.float16, "DoubleStorage": np.float64}


def torch_zip(path):
    z = zipfile.ZipFile(path)
    pkl = next(n for n in z.namelist() if n.endswith("data.pkl"))
    prefix = pkl[: -len("data.pkl")]

    class Storage:
        def __init__(self, dtype):
            self.dtype = dtype

    def rebuild(storage, offset, size, stride, *_):
        dtype, key = storage
        if dtype is None:
            return None
        raw = np.frombuffer(z.read(f"{prefix}data/{key}"), dtype=dtype)
        n = int(np.prod(size)) if size else 1
        return raw[offset : offset + n].reshape(size) if n else raw[:0]

    class Restricted(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
                return rebuild
            if (module, name) == ("torch._utils", "_rebuild_parameter"):
                return lambda t, *_: t
            if (module, name) == ("collections", "OrderedDict"):
                return OrderedDict
            if module == "torch" and name.endswith("Storage"):
                return STORAGES.get(name)
            if module in ("builtins", "collections", "torch") or module.startswith("torch."):
                return lambda *a, **k: None
            raise pickle.UnpicklingError(f"refused {module}.{name}")

        def persistent_load(self, pid):
            return (pid[1], pid[2])

    out = []

    def walk(prefix, v):
        if isinstance(v, np.ndarray):
            out.append((prefix, v))
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(f"{prefix}.{k}" if prefix else str(k), x)
        elif isinstance(v, (list, tuple)):
            for i, x in enumerate(v):
                walk(f"{prefix}.{i}", x)

    walk("", Restricted(io.BytesIO(z.read(pkl))).load())
    return out


def load(path):
    if path.endswith(".safetensors"):
        from safetensors.numpy import load_file

        return list(load_file(path).items())
    if path.endswith(".onnx"):
        import onnx
        from onnx import numpy_helper

        m = onnx.load(path)
        return [(t.name, numpy_helper.to_array(t)) for t in m.graph.initializer]
    if path.endswith(".h5"):
        import h5py

        out = []
        with h5py.File(path) as f:
            f.visititems(lambda n, o: out.append((n, o[()])) if isinstance(o, h5py.Dataset) else None)
        return out
    return torch_zip(path)


def unit_stats(a, axis):
    n = np.sqrt((a.astype(np.float64) ** 2).sum(axis=1 - axis))
    if len(n) < 8:
        return None
    m = np.median(n)
    if m <= 0:
        return None
    scale = max(1.4826 * np.median(np.abs(n - m)), 1e-3 * m)
    i = int(np.argmax(n))
    return n[i] / m, (n[i] - m) / scale


def main():
    for path in sys.argv[1:]:
        tensors = [(k, v) for k, v in load(path) if np.issubdtype(v.dtype, np.floating)]
        best_ratio, best_z, best_abs, nonfinite, constant, matrices = (0, "", 0), (0, ""), (0, ""), 0, 0, 0
        over_low = []
        for name, a in tensors:
            a = np.asarray(a, dtype=np.float64)
            nonfinite += int((~np.isfinite(a)).sum())
            finite = np.abs(a[np.isfinite(a)])
            if finite.size >= 64 and np.median(finite) > 0:
                r = finite.max() / np.median(finite)
                if r > best_abs[0]:
                    best_abs = (r, name)
            if a.ndim < 2 or min(a.shape) < 2:
                continue
            matrices += 1
            flat = a.reshape(a.shape[0], -1)
            if a.size >= 16 and np.all(flat == flat.flat[0]) and "bias" not in name and "norm" not in name.lower():
                constant += 1
                print(f"    constant: {name} {a.shape} = {flat.flat[0]}")
            for axis in (0, 1):
                s = unit_stats(flat, axis)
                if s and s[0] > best_ratio[0]:
                    best_ratio = (s[0], name, axis)
                if s and s[1] > best_z[0]:
                    best_z = (s[1], name)
                if s and s[0] >= 10 and s[1] >= 25:
                    over_low.append(f"{name} axis {axis}: ratio {s[0]:.1f} z {s[1]:.1f}")
        print(f"{path}: {len(tensors)} float tensors, {matrices} matrices")
        print(f"  max norm ratio {best_ratio[0]:.2f} ({best_ratio[1]}, axis {best_ratio[2] if len(best_ratio) > 2 else '-'})")
        print(f"  max robust z {best_z[0]:.1f} ({best_z[1]})")
        print(f"  max |w|/median|w| {best_abs[0]:.1f} ({best_abs[1]})")
        print(f"  non-finite {nonfinite}, constant matrices {constant}")
        print(f"  matrices at or above the LOW thresholds of WGT001 (any layer): {len(over_low)}")
        for o in over_low:
            print(f"    {o}")


if __name__ == "__main__":
    main()
