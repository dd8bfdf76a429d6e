#!/usr/bin/env python3
"""Generates the HDF5 container fixtures under testdata/hdf5/.

Needs h5py and numpy (pinned in requirements.txt). Every file is written by
libhdf5 through h5py, so the bytes are what real tools produce; the only
hand edits are the truncated copy and the poked user block. Nothing here is
ever executed by the scanner: external links, external storage and virtual
sources only *name* files (/etc/passwd, ../secrets.bin) that the fixtures
never create.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install h5py==3.12.1 numpy==2.1.3
    /tmp/venv/bin/python testdata/gen/generate_hdf5_fixtures.py
"""

import json
import os
import sys

import h5py
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hdf5")


def out(name):
    return os.path.join(ROOT, name)


def patch(src, dst, edits):
    data = bytearray(open(src, "rb").read())
    for at, b in edits:
        data[at : at + len(b)] = b
    open(dst, "wb").write(bytes(data))


def keras2_config():
    return {
        "class_name": "Sequential",
        "config": {
            "name": "sequential",
            "layers": [
                {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "name": "input_1"}},
                {"class_name": "Dense", "config": {"name": "dense", "units": 3, "activation": "relu", "use_bias": True}},
                {"class_name": "Dense", "config": {"name": "dense_1", "units": 2, "activation": "softmax", "use_bias": True}},
            ],
        },
    }


def keras2_model(path, **kw):
    """The layout Keras 2 `model.save('m.h5')` writes (fixed-length byte strings)."""
    rng = np.random.default_rng(0)
    with h5py.File(path, "w", **kw) as f:
        f.attrs["keras_version"] = b"2.13.1"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(keras2_config()).encode()
        f.attrs["training_config"] = json.dumps(
            {"loss": "categorical_crossentropy", "metrics": ["accuracy"], "optimizer_config": {"class_name": "Adam", "config": {"learning_rate": 0.001}}}
        ).encode()
        mw = f.create_group("model_weights")
        mw.attrs["layer_names"] = np.array([b"input_1", b"dense", b"dense_1"])
        mw.attrs["backend"] = b"tensorflow"
        mw.attrs["keras_version"] = b"2.13.1"
        mw.create_group("input_1").attrs["weight_names"] = np.array([], dtype="S1")
        for name, shape in (("dense", (4, 3)), ("dense_1", (3, 2))):
            g = mw.create_group(name)
            g.attrs["weight_names"] = np.array([f"{name}/kernel:0".encode(), f"{name}/bias:0".encode()])
            inner = g.create_group(name)
            inner.create_dataset("kernel:0", data=rng.standard_normal(shape).astype("float32"))
            inner.create_dataset("bias:0", data=np.zeros(shape[1], dtype="float32"))
        ow = f.create_group("optimizer_weights")
        ow.create_dataset("iteration:0", data=np.int64(10))


def benign():
    # Superblock 0, old-style (symbol table) groups: h5py's default.
    keras2_model(out("benign_keras2_model_superblock0.h5"))
    # Superblock 2 and 3, new-style groups (link messages, v2 object headers).
    keras2_model(out("benign_keras2_model_superblock2.h5"), libver=("v108", "v108"))
    keras2_model(out("benign_keras2_model_superblock3.h5"), libver="latest")
    # A 512-byte user block (zeros) before the superblock.
    keras2_model(out("benign_user_block.h5"), userblock_size=512)

    # Many attributes and links, creation order tracked: dense storage
    # (fractal heap + v2 B-tree) for both.
    with h5py.File(out("benign_dense_attributes_and_links.h5"), "w", libver="latest", track_order=True) as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        for i in range(40):
            f.attrs[f"attr_{i:02d}"] = f"value {i}"
        f.attrs["numbers"] = np.arange(5, dtype="int32")
        f.attrs["scale"] = np.float64(0.5)
        g = f.create_group("many", track_order=True)
        for i in range(30):
            g.create_dataset(f"w{i:02d}", data=np.arange(i + 1, dtype="float32"))

    # Variable-length UTF-8 string attributes (h5py's default for `str`),
    # scalar and array, plus a chunked gzip dataset and a compound dataset.
    with h5py.File(out("benign_vlen_strings.h5"), "w") as f:
        f.attrs["keras_version"] = "3.6.0"
        f.attrs["backend"] = "jax"
        f.attrs["model_config"] = json.dumps(keras2_config())
        f.attrs["names"] = ["alpha", "beta", "gamma"]
        f.create_dataset("chunked", data=np.arange(1000, dtype="int16"), chunks=(100,), compression="gzip")
        dt = np.dtype([("x", "<f4"), ("label", "S8")])
        f.create_dataset("table", data=np.array([(1.0, b"a"), (2.0, b"b")], dtype=dt))
        f["alias"] = f["table"]  # a second hard link to one dataset
        f["shortcut"] = h5py.SoftLink("/table")


def malicious():
    # External links: loaders open the named file when the link is accessed.
    with h5py.File(out("HDF003_external_link_absolute.h5"), "w") as f:
        f.attrs["keras_version"] = b"2.13.1"
        f.create_group("model_weights")
        f["model_weights/dense"] = h5py.ExternalLink("/etc/passwd", "/payload")
    with h5py.File(out("HDF003_external_link_parent_escape.h5"), "w", libver="latest") as f:
        f.create_group("model_weights")
        f["model_weights/dense"] = h5py.ExternalLink("../../secrets/weights.h5", "/dense")
    with h5py.File(out("HDF003_external_link_relative.h5"), "w") as f:
        f["weights"] = h5py.ExternalLink("weights_part2.h5", "/weights")

    # External raw storage: reading the dataset reads the named file.
    with h5py.File(out("HDF004_external_storage_absolute.h5"), "w") as f:
        f.create_dataset("kernel", shape=(16,), dtype="uint8", external=[("/etc/shadow", 0, 16)])
    with h5py.File(out("HDF004_external_storage_parent_escape.h5"), "w") as f:
        f.create_dataset("kernel", shape=(16,), dtype="uint8", external=[("../outside.bin", 0, 16)])
    with h5py.File(out("HDF004_external_storage_relative.h5"), "w") as f:
        f.create_dataset("kernel", shape=(16,), dtype="uint8", external=[("kernel.bin", 0, 16)])

    # Virtual datasets: reading maps data from the source files.
    for name, src in (
        ("HDF005_virtual_source_absolute.h5", "/etc/hostname"),
        ("HDF005_virtual_source_parent_escape.h5", "../../data/source.h5"),
        ("HDF005_virtual_source_relative.h5", "source.h5"),
    ):
        layout = h5py.VirtualLayout(shape=(4,), dtype="float32")
        layout[:] = h5py.VirtualSource(src, "data", shape=(4,))
        with h5py.File(out(name), "w", libver="latest") as f:
            f.create_virtual_dataset("virtual", layout, fillvalue=0)

    # A group linking back to its ancestor (legal HDF5, loops naive walkers).
    with h5py.File(out("HDF006_hard_link_cycle.h5"), "w") as f:
        g = f.create_group("a/b")
        g["up"] = f["a"]
        g["root"] = f

    # Cut in the middle: the object headers past the cut are missing.
    src = out("benign_keras2_model_superblock0.h5")
    data = open(src, "rb").read()
    with open(out("HDF002_truncated.h5"), "wb") as fh:
        fh.write(data[: len(data) * 2 // 5])

    # A superblock version no library writes: nothing can be read.
    patch(src, out("HDF001_superblock_version_7.h5"), [(8, b"\x07")])

    # A link name containing `/` (libhdf5 refuses to create one): to a path
    # lookup it looks like /model_weights/dense, to a walker it is one link.
    tmp = out("tmp_link_name.h5")
    with h5py.File(tmp, "w") as f:
        f.create_group("model_weights")
        f.create_group("model_weights_dense")
    data = bytearray(open(tmp, "rb").read())
    os.remove(tmp)
    at = data.index(b"model_weights_dense\x00")
    data[at + len("model_weights")] = ord("/")
    open(out("HDF007_link_name_with_slash.h5"), "wb").write(bytes(data))

    # A filter id that libhdf5 loads from a plugin (32001, Blosc): written
    # with gzip, then the filter pipeline's id and name rewritten.
    tmp = out("tmp_filter.h5")
    with h5py.File(tmp, "w") as f:
        f.create_dataset("kernel", data=np.arange(64, dtype="float32"), chunks=(16,), compression="gzip")
    data = bytearray(open(tmp, "rb").read())
    os.remove(tmp)
    at = data.index(b"deflate\x00")
    assert data[at - 8 : at - 6] == b"\x01\x00", data[at - 8 : at]
    data[at - 8 : at - 6] = (32001).to_bytes(2, "little")
    data[at : at + 8] = b"blosc\x00\x00\x00"
    open(out("HDF009_filter_plugin_blosc.h5"), "wb").write(bytes(data))

    # A user block holding a pickle (a polyglot: h5py opens the HDF5 part,
    # pickle.load the head).
    keras2_model(out("HDF008_user_block_pickle.h5"), userblock_size=512)
    payload = b"\x80\x04\x95\x1d\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94\x93\x94\x8c\x04echo\x94\x85\x94R\x94."
    with open(out("HDF008_user_block_pickle.h5"), "r+b") as fh:
        fh.write(payload)


def main():
    os.makedirs(ROOT, exist_ok=True)
    benign()
    malicious()
    print(f"wrote {len(os.listdir(ROOT))} files to {os.path.relpath(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
