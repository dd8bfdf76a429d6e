#!/usr/bin/env python3
"""Generate the archive, compression, NumPy and joblib fixtures.

Run from the repository root with the pinned packages of
testdata/gen/requirements.txt installed (numpy, scikit-learn, joblib, py7zr,
zstandard, lz4):

    python3 testdata/gen/generate_archive_fixtures.py

Writes testdata/{archives,numpy,joblib}/ and testdata/expected-archives.tsv.
Every payload only ever runs `echo sentrascan-fixture`; nothing here loads
or unpickles a malicious fixture. Output is deterministic: fixed archive
timestamps, fixed seeds, gzip mtime zeroed.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import pickle
import struct
import sys
import tarfile
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ECHO = "echo sentrascan-fixture"

# A protocol-0 pickle calling posix.system: the smallest honest payload.
PAYLOAD = f"cposix\nsystem\n(S'{ECHO}'\ntR.".encode()


class Evil:
    """Pickles as a call of os.system (only serialised here, never loaded)."""

    def __reduce__(self):
        return (os.system, (ECHO,))


def gz(data: bytes) -> bytes:
    out = gzip.compress(data, compresslevel=9, mtime=0)
    return out


def zip_bytes(members: list[tuple[str, bytes]], compression=zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = compression
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


def zip_symlink(name: str, target: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.create_system = 3
        info.external_attr = 0o120777 << 16
        zf.writestr(info, target)
    return buf.getvalue()


def tar_bytes(members: list[tarfile.TarInfo | tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tf:
        for m in members:
            if isinstance(m, tarfile.TarInfo):
                tf.addfile(m)
                continue
            name, data = m
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            info.mode = 0o644
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def special(name: str, kind: bytes, target: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    info.mtime = 0
    info.mode = 0o644
    if kind in (tarfile.CHRTYPE, tarfile.BLKTYPE):
        info.devmajor, info.devminor = 1, 3
    return info


def npy_bytes(arr) -> bytes:
    import numpy as np

    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=True)
    return buf.getvalue()


def npy_header(header: str) -> bytes:
    h = header
    while (10 + len(h) + 1) % 64:
        h += " "
    h += "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode()


def joblib_bytes(obj, compress=0) -> bytes:
    import joblib

    buf = io.BytesIO()
    joblib.dump(obj, buf, compress=compress)
    data = buf.getvalue()
    if data[:2] == b"\x1f\x8b":  # gzip: zero the header's mtime
        data = data[:4] + b"\0\0\0\0" + data[8:]
    return data


def sevenz(members: list[tuple[str, bytes]]) -> bytes:
    import py7zr
    import py7zr.helpers

    # py7zr stamps members with the current time; pin it for reproducible bytes.
    fixed = py7zr.helpers.ArchiveTimestamp.from_datetime(0)
    py7zr.helpers.ArchiveTimestamp.from_now = staticmethod(lambda: fixed)
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w") as z:
        for name, data in members:
            z.writestr(data, name)
    return buf.getvalue()


def zstd(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdCompressor(level=3).compress(data)


def lz4f(data: bytes) -> bytes:
    import lz4.frame

    return lz4.frame.compress(data)


def benign_model():
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.RandomState(0)
    x = rng.rand(30, 4)
    y = (x[:, 0] > 0.5).astype(int)
    return Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())]).fit(x, y)


def build() -> list[tuple[str, bytes, list[tuple[str, str]]]]:
    import numpy as np

    C = lambda c: (c, "CRITICAL")  # noqa: E731
    H = lambda c: (c, "HIGH")  # noqa: E731
    M = lambda c: (c, "MEDIUM")  # noqa: E731
    L = lambda c: (c, "LOW")  # noqa: E731
    benign_torch = (ROOT / "benign/torch_zip_state_dict_mlp.pt").read_bytes()
    malicious_torch = (ROOT / "pytorch/PKL001_torch_zip_os_system.pt").read_bytes()
    model = benign_model()
    fx: list[tuple[str, bytes, list[tuple[str, str]]]] = []
    add = lambda p, b, e: fx.append((p, b, e))  # noqa: E731

    # -- single-file compression --------------------------------------------
    add("archives/PKL001_gzip_pickle.pkl.gz", gz(PAYLOAD), [C("PKL001")])
    add("archives/PKL001_bzip2_pickle.pkl.bz2", bz2.compress(PAYLOAD, 9), [C("PKL001")])
    add("archives/PKL001_xz_pickle.pkl.xz", lzma.compress(PAYLOAD, format=lzma.FORMAT_XZ), [C("PKL001")])
    add("archives/PKL001_lzma_alone_pickle.pkl.lzma", lzma.compress(PAYLOAD, format=lzma.FORMAT_ALONE), [C("PKL001")])
    add("archives/PKL001_zlib_stream_pickle.bin", zlib.compress(PAYLOAD, 9), [C("PKL001")])
    add("archives/PKL001_zstd_pickle.pkl.zst", zstd(PAYLOAD), [C("PKL001")])
    add("archives/PKL001_lz4_pickle.pkl.lz4", lz4f(PAYLOAD), [C("PKL001")])
    add("archives/PKL001_gzip_torch_checkpoint.pt.gz", gz(malicious_torch), [C("PKL001")])
    add("archives/ARC007_gzip_ratio_bomb.bin.gz", gz(b"\0" * (24 << 20)), [M("ARC007")])
    # -- tar variants ---------------------------------------------------------
    tar_payload = tar_bytes([("model/config.txt", b"hidden layer sizes: 3 4 2\n"), ("model/weights.pkl", PAYLOAD)])
    add("archives/PKL001_tar_with_pickle.tar", tar_payload, [C("PKL001")])
    add("archives/PKL001_tar_gz_with_pickle.tar.gz", gz(tar_payload), [C("PKL001")])
    add("archives/PKL001_tar_bz2_with_pickle.tar.bz2", bz2.compress(tar_payload, 9), [C("PKL001")])
    add("archives/PKL001_tar_xz_with_pickle.tar.xz", lzma.compress(tar_payload, format=lzma.FORMAT_XZ), [C("PKL001")])
    add("archives/ARC005_tar_parent_traversal.tar", tar_bytes([("../../.bashrc", b"echo sentrascan-fixture\n")]), [H("ARC005")])
    add("archives/ARC005_tar_absolute_path.tar", tar_bytes([("/tmp/sentrascan-fixture", b"x\n")]), [H("ARC005")])
    add(
        "archives/ARC005_tar_symlink_escape.tar",
        tar_bytes([special("weights.bin", tarfile.SYMTYPE, "/etc/passwd"), ("readme.txt", b"model\n")]),
        [H("ARC005"), M("ARC008")],
    )
    add(
        "archives/ARC008_tar_device_member.tar",
        tar_bytes([special("dev/null_device", tarfile.CHRTYPE), ("readme.txt", b"model\n")]),
        [M("ARC008")],
    )
    add(
        "archives/ARC008_tar_hardlink_member.tar",
        tar_bytes([("data.bin", b"abc"), special("alias.bin", tarfile.LNKTYPE, "data.bin")]),
        [M("ARC008")],
    )
    # -- zip variants ---------------------------------------------------------
    add("archives/ARC005_zip_symlink_escape.zip", zip_symlink("model.bin", "../../../etc/passwd"), [H("ARC005"), M("ARC008")])
    bomb = zipfile.ZipInfo("zeros.bin", date_time=(1980, 1, 1, 0, 0, 0))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(bomb, b"\0" * (24 << 20), compress_type=zipfile.ZIP_DEFLATED)
    add("archives/ARC007_zip_deflate_ratio_bomb.zip", buf.getvalue(), [M("ARC007")])
    add(
        "archives/PKL001_zip_lzma_pickle_member.zip",
        zip_bytes([("model.pkl", PAYLOAD)], zipfile.ZIP_LZMA),
        [C("PKL001")],
    )
    add("archives/ARC005_zip_slip.zip", zip_bytes([("../../evil.sh", b"echo sentrascan-fixture\n")]), [H("ARC005")])
    add(
        "archives/PKL001_zip_deflated_pickle_member.zip",
        zip_bytes([("model/model.pkl", PAYLOAD), ("README.md", b"# model\n")], zipfile.ZIP_DEFLATED),
        [C("PKL001")],
    )
    add(
        "archives/PKL001_zip_bzip2_pickle_member.zip",
        zip_bytes([("model.pkl", PAYLOAD)], zipfile.ZIP_BZIP2),
        [C("PKL001")],
    )
    nested = zip_bytes([("bundle/model.tar.gz", gz(tar_payload))])
    add("archives/PKL001_zip_of_tar_gz_of_pickle.zip", nested, [C("PKL001")])
    # -- 7z -------------------------------------------------------------------
    add("archives/PKL001_7z_torch_checkpoint.7z", sevenz([("model.pt", malicious_torch)]), [C("PKL001")])
    add("archives/PKL001_7z_pickle_odd_name.7z", sevenz([("weights/data.txt", PAYLOAD)]), [C("PKL001")])
    # -- NumPy ----------------------------------------------------------------
    evil_obj = np.empty(2, dtype=object)
    evil_obj[0] = Evil()
    evil_obj[1] = None
    add("numpy/PKL001_npy_object_array_payload.npy", npy_bytes(evil_obj), [L("NPY001"), C("PKL001")])
    npz = io.BytesIO()
    np.savez(npz, weights=np.arange(6, dtype=np.float32), extra=evil_obj)
    add("numpy/PKL001_npz_object_member_payload.npz", npz.getvalue(), [L("NPY001"), C("PKL001")])
    add(
        "numpy/NPY002_header_with_expression.npy",
        npy_header("{'descr': __import__('os').system('echo sentrascan-fixture'), 'fortran_order': False, 'shape': (1,), }") + b"\0" * 8,
        [M("NPY002")],
    )
    arr = npy_bytes(np.arange(3, dtype=np.float32))
    add("numpy/NPY003_trailing_pickle_after_array.npy", arr + PAYLOAD, [M("NPY003"), C("PKL001")])
    add("numpy/NPY003_truncated_array.npy", arr[:-4], [M("NPY003")])
    # -- joblib ---------------------------------------------------------------
    evil_bundle = {"model": model, "weights": np.linspace(0, 1, 64), "hook": Evil()}
    add("joblib/PKL001_joblib_payload_after_arrays.joblib", joblib_bytes(evil_bundle), [C("PKL001")])
    add("joblib/PKL001_joblib_object_array_payload.joblib", joblib_bytes({"a": np.arange(5), "objs": evil_obj}), [C("PKL001")])
    for comp in ("zlib", "gzip", "bz2", "xz", "lzma", "lz4"):
        add(f"joblib/PKL001_joblib_{comp}_payload.joblib", joblib_bytes(evil_bundle, (comp, 3)), [C("PKL001")])
    # -- benign ---------------------------------------------------------------
    B: list[tuple[str, str]] = []
    add("benign/numpy_float32_matrix.npy", npy_bytes(np.arange(12, dtype=np.float32).reshape(3, 4)), B)
    add("benign/numpy_structured.npy", npy_bytes(np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8", (2,)), ("c", "<U4")])), B)
    add("benign/numpy_fortran_order_v2.npy", npy_bytes(np.asfortranarray(np.ones((2, 3)))), B)
    npz = io.BytesIO()
    np.savez(npz, w=np.ones((4, 4), dtype=np.float16), b=np.zeros(4))
    add("benign/numpy_savez.npz", npz.getvalue(), B)
    npz = io.BytesIO()
    np.savez_compressed(npz, w=np.linspace(0, 1, 100), idx=np.arange(100))
    add("benign/numpy_savez_compressed.npz", npz.getvalue(), B)
    add("benign/sklearn_pipeline.joblib", joblib_bytes(model), B)
    for comp in ("zlib", "gzip", "bz2", "xz", "lzma", "lz4"):
        add(f"benign/sklearn_pipeline_{comp}.joblib", joblib_bytes(model, (comp, 3)), B)
    add(
        "benign/joblib_mixed_arrays.joblib",
        joblib_bytes({"f": np.arange(10.0), "u": np.array(["a", "bb"]), "rec": np.zeros(2, dtype=[("x", "<i2"), ("y", "<f4")]), "empty": np.zeros((0, 3))}),
        B,
    )
    add("benign/torch_checkpoint.tar.gz", gz(tar_bytes([("model/pytorch_model.bin", benign_torch), ("model/config.json", b'{"hidden": 4}\n')])), B)
    add("benign/torch_checkpoint_in_zip.zip", zip_bytes([("model/pytorch_model.bin", benign_torch)], zipfile.ZIP_DEFLATED), B)
    add("benign/torch_checkpoint.7z", sevenz([("pytorch_model.bin", benign_torch)]), B)
    return fx


def main() -> int:
    fixtures = build()
    lines = [
        "# Archive, compression, NumPy and joblib fixtures. GENERATED by",
        "# testdata/gen/generate_archive_fixtures.py; see testdata/README.md.",
        "# path<TAB>RULE<TAB>SEVERITY (a benign file: -<TAB>-, nothing above LOW)",
    ]
    for rel, data, expect in fixtures:
        path = ROOT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if expect:
            lines += [f"{rel}\t{code}\t{sev}" for code, sev in expect]
        else:
            lines.append(f"{rel}\t-\t-")
    (ROOT / "expected-archives.tsv").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(fixtures)} fixtures under {ROOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
