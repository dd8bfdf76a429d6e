#!/usr/bin/env python3
"""Generate the SentraScan-Model test fixtures under testdata/.

Run from anywhere:

    python3 testdata/gen/generate_pickle_fixtures.py          # (re)write fixtures
    python3 testdata/gen/generate_pickle_fixtures.py --check  # verify committed bytes

Only the Python 3.11 standard library is required.  The fixtures that need
numpy / scikit-learn (pinned in requirements.txt) are regenerated only when
those packages import; otherwise the committed files are left untouched and a
note is printed.  The manifest (expected.tsv) and benign-globals.tsv are always
rewritten from the table at the bottom of this file.

Safety rules this script follows:

* Every malicious payload is inert: it only ever runs ``echo
  sentrascan-fixture``/``print('sentrascan-fixture')``-style commands or touches
  127.0.0.1 / example.invalid.  Nothing here is destructive.
* Malicious pickles are assembled by hand from raw opcodes (see ``Op``) so each
  fixture exercises exactly one technique.  ``pickle.dumps`` is used only for
  benign data.
* Nothing produced here is ever unpickled.  Checks use ``pickletools`` (a
  static disassembler that never imports or calls anything).

Determinism: no randomness, fixed zip/tar timestamps, insertion-ordered dicts
built from fixed literals, sets only of small ints.  Two runs give identical
bytes (``--check`` verifies this against the files on disk).
"""

from __future__ import annotations

import argparse
import base64
import collections
import hashlib
import io
import pickle
import pickletools
import struct
import sys
import tarfile
import types
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

TESTDATA = Path(__file__).resolve().parent.parent

# The only command any payload ever runs.
CMD = "echo sentrascan-fixture"
PY_CODE = "print('sentrascan-fixture')"

# marshal.dumps(compile("print('sentrascan-fixture')", "<sentrascan-fixture>",
# "exec")) as produced by CPython 3.11.  Stored as a constant because marshal
# output is interpreter-version specific; the fixture never gets executed.
MARSHALLED_PRINT_CODE = bytes.fromhex(
    "e30000000000000000000000000300000000000000f31c0000009700020065006400a6"
    "010000ab01000000000000000001006401530029027a1273656e7472617363616e2d66"
    "6978747572654e2901da057072696e74a900f300000000fa143c73656e747261736361"
    "6e2d666978747572653efa083c6d6f64756c653e720600000001000000731c000000f0"
    "03010101d800058005d0061ad1001bd4001bd0001bd0001bd0001b7204000000"
)


# ---------------------------------------------------------------------------
# Pickle opcode assembler
# ---------------------------------------------------------------------------


class Op:
    """Raw pickle opcodes.  Each helper returns the encoded bytes."""

    MARK = b"("
    STOP = b"."
    POP = b"0"
    POP_MARK = b"1"
    DUP = b"2"
    NONE = b"N"
    BINPERSID = b"Q"
    REDUCE = b"R"
    APPEND = b"a"
    BUILD = b"b"
    DICT = b"d"
    EMPTY_DICT = b"}"
    APPENDS = b"e"
    LIST = b"l"
    EMPTY_LIST = b"]"
    OBJ = b"o"
    SETITEM = b"s"
    TUPLE = b"t"
    EMPTY_TUPLE = b")"
    SETITEMS = b"u"
    NEWOBJ = b"\x81"
    TUPLE1 = b"\x85"
    TUPLE2 = b"\x86"
    TUPLE3 = b"\x87"
    NEWTRUE = b"\x88"
    NEWFALSE = b"\x89"
    EMPTY_SET = b"\x8f"
    ADDITEMS = b"\x90"
    FROZENSET = b"\x91"
    NEWOBJ_EX = b"\x92"
    STACK_GLOBAL = b"\x93"
    MEMOIZE = b"\x94"
    NEXT_BUFFER = b"\x97"
    READONLY_BUFFER = b"\x98"

    @staticmethod
    def PROTO(n: int) -> bytes:
        return b"\x80" + bytes([n])

    @staticmethod
    def FRAME(n: int) -> bytes:
        return b"\x95" + struct.pack("<Q", n)

    # -- globals -----------------------------------------------------------
    @staticmethod
    def GLOBAL(module: str, name: str) -> bytes:
        return b"c" + module.encode("utf-8") + b"\n" + name.encode("utf-8") + b"\n"

    @staticmethod
    def INST(module: str, name: str) -> bytes:
        return b"i" + module.encode("utf-8") + b"\n" + name.encode("utf-8") + b"\n"

    @staticmethod
    def EXT1(code: int) -> bytes:
        return b"\x82" + struct.pack("<B", code)

    @staticmethod
    def EXT2(code: int) -> bytes:
        return b"\x83" + struct.pack("<H", code)

    @staticmethod
    def EXT4(code: int) -> bytes:
        return b"\x84" + struct.pack("<i", code)

    # -- strings -----------------------------------------------------------
    @staticmethod
    def STRING(s: str) -> bytes:  # protocol 0 quoted string
        assert "'" not in s and "\\" not in s and "\n" not in s
        return b"S'" + s.encode("ascii") + b"'\n"

    @staticmethod
    def BINSTRING(s: str) -> bytes:
        b = s.encode("latin-1")
        return b"T" + struct.pack("<i", len(b)) + b

    @staticmethod
    def SHORT_BINSTRING(s: str) -> bytes:
        b = s.encode("latin-1")
        return b"U" + struct.pack("<B", len(b)) + b

    @staticmethod
    def UNICODE(s: str) -> bytes:  # protocol 0 raw-unicode-escape line
        assert "\n" not in s and "\\" not in s
        return b"V" + s.encode("raw-unicode-escape") + b"\n"

    @staticmethod
    def BINUNICODE(s: str) -> bytes:
        b = s.encode("utf-8")
        return b"X" + struct.pack("<I", len(b)) + b

    @staticmethod
    def SHORT_BINUNICODE(s: str) -> bytes:
        b = s.encode("utf-8")
        return b"\x8c" + struct.pack("<B", len(b)) + b

    @staticmethod
    def BINBYTES(b: bytes) -> bytes:
        return b"B" + struct.pack("<I", len(b)) + b

    @staticmethod
    def SHORT_BINBYTES(b: bytes) -> bytes:
        return b"C" + struct.pack("<B", len(b)) + b

    # -- numbers -----------------------------------------------------------
    @staticmethod
    def INT(n: int) -> bytes:
        return b"I" + str(n).encode() + b"\n"

    @staticmethod
    def BININT(n: int) -> bytes:
        return b"J" + struct.pack("<i", n)

    @staticmethod
    def BININT1(n: int) -> bytes:
        return b"K" + struct.pack("<B", n)

    @staticmethod
    def BININT2(n: int) -> bytes:
        return b"M" + struct.pack("<H", n)

    @staticmethod
    def BINFLOAT(x: float) -> bytes:
        return b"G" + struct.pack(">d", x)

    # -- memo --------------------------------------------------------------
    @staticmethod
    def PUT(i: int) -> bytes:
        return b"p" + str(i).encode() + b"\n"

    @staticmethod
    def GET(i: int) -> bytes:
        return b"g" + str(i).encode() + b"\n"

    @staticmethod
    def BINPUT(i: int) -> bytes:
        return b"q" + struct.pack("<B", i)

    @staticmethod
    def BINGET(i: int) -> bytes:
        return b"h" + struct.pack("<B", i)

    @staticmethod
    def LONG_BINGET(i: int) -> bytes:
        return b"j" + struct.pack("<I", i)


def asm(*parts: bytes) -> bytes:
    return b"".join(parts)


def framed(proto: int, *body: bytes) -> bytes:
    """A protocol 4/5 pickle whose whole body (ending in STOP) is one FRAME."""
    payload = b"".join(body)
    return Op.PROTO(proto) + Op.FRAME(len(payload)) + payload


def pickle_end(data: bytes, start: int = 0) -> int:
    """Offset just past the STOP opcode of the stream starting at ``start``."""
    f = io.BytesIO(data)
    f.seek(start)
    last = None
    for op, _arg, pos in pickletools.genops(f):
        last = (op, pos)
    assert last is not None and last[0].name == "STOP"
    return last[1] + 1


def checked(data: bytes) -> bytes:
    """Statically validate a pickle with pickletools (never executes it).

    pickletools.dis checks stack and mark balance, memo references and that
    exactly one object is left at STOP.  We also require the stream to end at
    its STOP byte.
    """
    pickletools.dis(data, out=io.StringIO())
    end = pickle_end(data)
    assert end == len(data), f"trailing bytes after STOP ({end} != {len(data)})"
    return data


def malicious_call(module: str, name: str, *args: bytes, proto: int = 2) -> bytes:
    """GLOBAL module.name called with the given already-encoded arguments."""
    body = [Op.GLOBAL(module, name), Op.MARK, *args, Op.TUPLE, Op.REDUCE, Op.STOP]
    if proto >= 2:
        body.insert(0, Op.PROTO(proto))
    return checked(asm(*body))


def posix_system_p2() -> bytes:
    """The canonical protocol 2 payload pickle.dumps writes for os.system on Linux."""
    return checked(
        asm(
            Op.PROTO(2),
            Op.GLOBAL("posix", "system"),
            Op.BINPUT(0),
            Op.BINUNICODE(CMD),
            Op.BINPUT(1),
            Op.TUPLE1,
            Op.BINPUT(2),
            Op.REDUCE,
            Op.BINPUT(3),
            Op.STOP,
        )
    )


def os_system_p4() -> bytes:
    return checked(
        framed(
            4,
            Op.SHORT_BINUNICODE("os"),
            Op.MEMOIZE,
            Op.SHORT_BINUNICODE("system"),
            Op.MEMOIZE,
            Op.STACK_GLOBAL,
            Op.MEMOIZE,
            Op.SHORT_BINUNICODE(CMD),
            Op.MEMOIZE,
            Op.TUPLE1,
            Op.MEMOIZE,
            Op.REDUCE,
            Op.MEMOIZE,
            Op.STOP,
        )
    )


# Payload that is spliced right after the PROTO opcode of an otherwise benign
# protocol 2 pickle: call posix.system(CMD) and POP the result.  It uses no
# memo opcodes, so the memo indices of the host pickle stay valid.
INJECTED_SYSTEM_CALL = asm(Op.GLOBAL("posix", "system"), Op.MARK, Op.BINUNICODE(CMD), Op.TUPLE, Op.REDUCE, Op.POP)


def inject_after_proto(host: bytes, payload: bytes = INJECTED_SYSTEM_CALL) -> bytes:
    assert host[:1] == b"\x80"
    return checked(host[:2] + payload + host[2:])


# ---------------------------------------------------------------------------
# ZIP writers
# ---------------------------------------------------------------------------

FIELD_ALIGNMENT = 64  # PyTorchStreamWriter aligns every record's data to 64 bytes


@dataclass
class ZipEntry:
    name: str  # name in the central directory
    data: bytes
    local_name: str | None = None  # name in the local header (defaults to ``name``)
    flags: int = 0x0808  # miniz: data descriptor (bit 3) + UTF-8 names (bit 11)
    crc: int | None = None  # CRC-32 to record (defaults to the real one)
    compress: bool = False  # deflate (torch.jit.save compresses code records)


def miniz_zip(entries: list[ZipEntry]) -> bytes:
    """Write a zip the way PyTorch's PyTorchStreamWriter (miniz) does.

    * members ZIP_STORED (version-needed 0) unless ``compress`` asks for raw
      deflate at level 9 (version-needed 20), DOS time/date 0;
    * local header CRC/sizes zero with general purpose bit 3 set, followed by a
      16-byte data descriptor (PK\\x07\\x08, crc, size, size);
    * a local extra field with id ``FB`` padding the data to 64-byte alignment
      (``'Z'`` bytes), absent from the central directory;
    * zip64 end-of-central-directory record and locator (the writer is opened
      with MZ_ZIP_FLAG_WRITE_ZIP64), then the classic EOCD.
    """
    out = bytearray()
    central = bytearray()
    for e in entries:
        offset = len(out)
        lname = (e.local_name if e.local_name is not None else e.name).encode("utf-8")
        start = offset + 30 + len(lname) + 4
        pad = (-start) % FIELD_ALIGNMENT
        extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
        method, needed, payload = 0, 0, e.data
        if e.compress:
            co = zlib.compressobj(9, zlib.DEFLATED, -15)
            deflated = co.compress(e.data) + co.flush()
            if len(deflated) < len(e.data):
                method, needed, payload = 8, 20, deflated
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, needed, e.flags, method, 0, 0, 0, 0, 0, len(lname), len(extra))
        out += lname + extra
        assert len(out) % FIELD_ALIGNMENT == 0
        out += payload
        crc = zlib.crc32(e.data) if e.crc is None else e.crc
        out += struct.pack("<IIII", 0x08074B50, crc, len(payload), len(e.data))
        cname = e.name.encode("utf-8")
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            0,  # version made by (miniz leaves it zero)
            needed,
            e.flags,
            method,
            0,  # time
            0,  # date
            crc,
            len(payload),
            len(e.data),
            len(cname),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += cname
    n = len(entries)
    cd_offset = len(out)
    out += central
    zip64_eocd = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 0x002D, 0, 0, n, n, len(central), cd_offset)
    out += struct.pack("<IIQI", 0x07064B50, 0, zip64_eocd, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(central), cd_offset, 0)
    return bytes(out)


def hash_combine(seed: int, value: int) -> int:
    """c10::hash_combine (boost style) on 64-bit unsigned integers."""
    mask = (1 << 64) - 1
    return (seed ^ ((value + 0x9E3779B9 + ((seed << 6) & mask) + (seed >> 2)) & mask)) & mask


def serialization_id(entries: list[ZipEntry]) -> bytes:
    """A 40-digit id shaped like torch's: 20 digits of name hash, 20 of CRC hash.

    torch hashes names with std::hash (implementation defined); we use a
    stable stand-in so the fixture bytes never change.
    """
    name_hash = 0
    crc_hash = 0
    for e in entries:
        h = int.from_bytes(hashlib.sha256(e.name.encode()).digest()[:8], "little")
        name_hash = hash_combine(name_hash, h)
        crc_hash = hash_combine(crc_hash, zlib.crc32(e.data))
    return f"{name_hash:020d}{crc_hash:020d}".encode()


def torch_zip_entries(
    archive: str,
    data_pkl: bytes,
    storages: list[bytes],
    *,
    modern: bool = True,
    pkl_member: str = "data.pkl",
) -> list[ZipEntry]:
    """Members torch.save writes, in its order.

    modern=True mimics torch >= 2.5 (.format_version / .storage_alignment
    records); modern=False mimics torch 2.1-2.4.
    """
    entries = [ZipEntry(f"{archive}/{pkl_member}", data_pkl)]
    if modern:
        entries.append(ZipEntry(f"{archive}/.format_version", b"1"))
        entries.append(ZipEntry(f"{archive}/.storage_alignment", b"64"))
    entries.append(ZipEntry(f"{archive}/byteorder", b"little"))
    for i, blob in enumerate(storages):
        # Raw float32 data must never look like the start of a pickle stream.
        assert not (blob[:1] == b"\x80" and blob[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"))
        entries.append(ZipEntry(f"{archive}/data/{i}", blob))
    entries.append(ZipEntry(f"{archive}/version", b"3\n"))
    entries.append(ZipEntry(f"{archive}/.data/serialization_id", serialization_id(entries)))
    return entries


def plain_zip(members: list[tuple[str, bytes]]) -> bytes:
    """An ordinary zip written by Python's zipfile with fixed metadata."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_STORED
            zf.writestr(info, data)
    return buf.getvalue()


# ---------------------------------------------------------------------------
# A stand-in ``torch`` package so pickle.dumps writes torch's real global names
# ---------------------------------------------------------------------------


def _make_function(module: str, name: str) -> Callable:
    def fn(*args, **kwargs):  # pragma: no cover - never called
        raise RuntimeError("stand-in, never called")

    fn.__module__ = module
    fn.__name__ = name
    fn.__qualname__ = name
    return fn


def _make_class(module: str, name: str, bases: tuple = (object,)) -> type:
    return types.new_class(name, bases, exec_body=lambda ns: ns.update({"__module__": module}))


class FakeTorch:
    """Registers stand-in torch modules in sys.modules for the duration of a with-block."""

    MODULES = (
        "torch",
        "torch._utils",
        "torch.nn",
        "torch.nn.modules",
        "torch.nn.modules.module",
        "torch.nn.modules.container",
        "torch.nn.modules.linear",
        "torch.nn.modules.activation",
        "torchvision",
        "torchvision.models",
        "torchvision.models.resnet",
    )

    def __init__(self) -> None:
        self.mods = {name: types.ModuleType(name) for name in self.MODULES}
        torch = self.mods["torch"]
        utils = self.mods["torch._utils"]
        utils._rebuild_tensor_v2 = _make_function("torch._utils", "_rebuild_tensor_v2")
        utils._rebuild_parameter = _make_function("torch._utils", "_rebuild_parameter")
        torch._utils = utils
        for cls in ("FloatStorage", "LongStorage", "FloatTensor"):
            setattr(torch, cls, _make_class("torch", cls))
        module_mod = self.mods["torch.nn.modules.module"]
        Module = _make_class("torch.nn.modules.module", "Module")
        module_mod.Module = Module
        self.Module = Module
        for modname, clsname in (
            ("torch.nn.modules.container", "Sequential"),
            ("torch.nn.modules.linear", "Linear"),
            ("torch.nn.modules.activation", "ReLU"),
        ):
            setattr(self.mods[modname], clsname, _make_class(modname, clsname, (Module,)))
        for clsname in ("ResNet", "BasicBlock"):
            resnet = "torchvision.models.resnet"
            setattr(self.mods[resnet], clsname, _make_class(resnet, clsname, (Module,)))
        self.torch = torch
        self.utils = utils
        self._saved: dict[str, object] = {}

    def __enter__(self) -> "FakeTorch":
        for name, mod in self.mods.items():
            if name in sys.modules:
                self._saved[name] = sys.modules[name]
            sys.modules[name] = mod
        return self

    def __exit__(self, *exc) -> None:
        for name in self.mods:
            if name in self._saved:
                sys.modules[name] = self._saved[name]
            else:
                sys.modules.pop(name, None)

    def cls(self, module: str, name: str) -> type:
        return getattr(self.mods[module], name)


class StorageStandIn:
    """A float32 storage: persistent_id turns it into torch's storage tuple."""

    def __init__(self, values: list[float]) -> None:
        self.values = values
        self.data = struct.pack(f"<{len(values)}f", *values)


class TensorStandIn:
    def __init__(self, ft: FakeTorch, storage: StorageStandIn, size: tuple, requires_grad=False):
        self.ft = ft
        self.storage = storage
        self.size = size
        stride = []
        acc = 1
        for dim in reversed(size):
            stride.insert(0, acc)
            acc *= dim
        self.stride = tuple(stride)
        self.requires_grad = requires_grad

    def __reduce_ex__(self, proto):
        # torch.Tensor._reduce_ex_internal for a plain CPU tensor
        return (
            self.ft.utils._rebuild_tensor_v2,
            (self.storage, 0, self.size, self.stride, self.requires_grad, collections.OrderedDict()),
        )


class ParameterStandIn:
    def __init__(self, tensor: TensorStandIn) -> None:
        self.tensor = tensor

    def __reduce_ex__(self, proto):
        # torch.nn.Parameter.__reduce_ex__ without extra state
        return (
            self.tensor.ft.utils._rebuild_parameter,
            (self.tensor, True, collections.OrderedDict()),
        )


def torch_pickle(ft: FakeTorch, obj, *, legacy_keys: list[str] | None = None) -> tuple[bytes, list[bytes]]:
    """pickle obj like torch.save: protocol 2, storages as persistent ids.

    Returns (pickle bytes, storage blobs in key order).  With legacy_keys the
    ids use the legacy (non-zip) 6-tuple form and the given string keys.
    """
    storages: list[StorageStandIn] = []
    keys: dict[int, str] = {}
    FloatStorage = ft.torch.FloatStorage

    class TorchPickler(pickle.Pickler):
        def persistent_id(self, o):
            if not isinstance(o, StorageStandIn):
                return None
            if id(o) not in keys:
                idx = len(storages)
                keys[id(o)] = legacy_keys[idx] if legacy_keys else str(idx)
                storages.append(o)
            key = keys[id(o)]
            numel = len(o.values)
            if legacy_keys:
                return ("storage", FloatStorage, key, "cpu", numel, None)
            return ("storage", FloatStorage, key, "cpu", numel)

    buf = io.BytesIO()
    TorchPickler(buf, protocol=2).dump(obj)
    return checked(buf.getvalue()), [s.data for s in storages]


def sixteenths(count: int, seed: int) -> list[float]:
    """Deterministic float32-exact weights (multiples of 1/16 in [-1, 1))."""
    return [((i * 7 + seed * 5) % 32 - 16) / 16.0 for i in range(count)]


MLP_SHAPES = (("fc1.weight", (4, 3)), ("fc1.bias", (4,)), ("fc2.weight", (2, 4)), ("fc2.bias", (2,)))


def mlp_tensors(ft: FakeTorch) -> dict[str, TensorStandIn]:
    out = {}
    for seed, (name, shape) in enumerate(MLP_SHAPES, start=1):
        numel = 1
        for d in shape:
            numel *= d
        out[name] = TensorStandIn(ft, StorageStandIn(sixteenths(numel, seed)), shape)
    return out


def mlp_state_dict(ft: FakeTorch) -> collections.OrderedDict:
    """What TinyMLP().state_dict() returns, including the _metadata attribute."""
    sd = collections.OrderedDict(mlp_tensors(ft).items())
    sd._metadata = collections.OrderedDict(
        [("", {"version": 1}), ("fc1", {"version": 1}), ("act", {"version": 1}), ("fc2", {"version": 1})]
    )
    return sd


def module_dict_base() -> dict:
    """torch 2.x nn.Module.__init__ attribute order."""
    OD = collections.OrderedDict
    return {
        "training": True,
        "_parameters": {},
        "_buffers": {},
        "_non_persistent_buffers_set": set(),
        "_backward_pre_hooks": OD(),
        "_backward_hooks": OD(),
        "_is_full_backward_hook": None,
        "_forward_hooks": OD(),
        "_forward_hooks_with_kwargs": OD(),
        "_forward_hooks_always_called": OD(),
        "_forward_pre_hooks": OD(),
        "_forward_pre_hooks_with_kwargs": OD(),
        "_state_dict_hooks": OD(),
        "_state_dict_pre_hooks": OD(),
        "_load_state_dict_pre_hooks": OD(),
        "_load_state_dict_post_hooks": OD(),
        "_modules": {},
    }


def sequential_module(ft: FakeTorch):
    """torch.nn.Sequential(Linear(3, 4), ReLU(), Linear(4, 2)) built from stand-ins."""
    tensors = mlp_tensors(ft)
    Sequential = ft.cls("torch.nn.modules.container", "Sequential")
    Linear = ft.cls("torch.nn.modules.linear", "Linear")
    ReLU = ft.cls("torch.nn.modules.activation", "ReLU")

    def linear(prefix: str, inf: int, outf: int):
        m = Linear.__new__(Linear)
        m.__dict__.update(module_dict_base())
        m.in_features = inf
        m.out_features = outf
        m._parameters["weight"] = ParameterStandIn(tensors[f"{prefix}.weight"])
        m._parameters["bias"] = ParameterStandIn(tensors[f"{prefix}.bias"])
        return m

    relu = ReLU.__new__(ReLU)
    relu.__dict__.update(module_dict_base())
    relu.inplace = False
    seq = Sequential.__new__(Sequential)
    seq.__dict__.update(module_dict_base())
    seq._modules.update({"0": linear("fc1", 3, 4), "1": relu, "2": linear("fc2", 4, 2)})
    return seq


def model_zoo_module(ft: FakeTorch):
    """A torchvision-style model: ResNet holding a BasicBlock holding a Linear and a ReLU,
    pickled the way torch.save pickles a full module (NEWOBJ, then BUILD)."""
    tensors = mlp_tensors(ft)
    ResNet = ft.cls("torchvision.models.resnet", "ResNet")
    Block = ft.cls("torchvision.models.resnet", "BasicBlock")
    Linear = ft.cls("torch.nn.modules.linear", "Linear")
    ReLU = ft.cls("torch.nn.modules.activation", "ReLU")
    fc = Linear.__new__(Linear)
    fc.__dict__.update(module_dict_base())
    fc.in_features, fc.out_features = 3, 4
    fc._parameters["weight"] = ParameterStandIn(tensors["fc1.weight"])
    fc._parameters["bias"] = ParameterStandIn(tensors["fc1.bias"])
    relu = ReLU.__new__(ReLU)
    relu.__dict__.update(module_dict_base())
    relu.inplace = True
    block = Block.__new__(Block)
    block.__dict__.update(module_dict_base())
    block._modules.update({"fc": fc, "relu": relu})
    net = ResNet.__new__(ResNet)
    net.__dict__.update(module_dict_base())
    net._modules.update({"layer1": block})
    return net


# -- legacy (pre-1.6, non-zip) format -----------------------------------------

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL_VERSION = 1001
LEGACY_KEYS = ["94433208523520", "94433208523776", "94433208524032", "94433208524288"]


def legacy_header(first: bytes | None = None) -> bytes:
    magic = first if first is not None else checked(pickle.dumps(LEGACY_MAGIC, protocol=2))
    sys_info = {
        "protocol_version": LEGACY_PROTOCOL_VERSION,
        "little_endian": True,
        "type_sizes": {"short": 2, "int": 4, "long": 4},
    }
    return (
        magic + checked(pickle.dumps(LEGACY_PROTOCOL_VERSION, protocol=2)) + checked(pickle.dumps(sys_info, protocol=2))
    )


def legacy_file(model_pkl: bytes, keys: list[str], blobs: list[bytes], first: bytes | None = None) -> bytes:
    """_legacy_save layout: magic, protocol, sys_info, model, sorted keys, storages."""
    by_key = dict(zip(keys, blobs, strict=True))
    sorted_keys = sorted(keys)
    out = legacy_header(first) + model_pkl + checked(pickle.dumps(sorted_keys, protocol=2))
    for k in sorted_keys:
        blob = by_key[k]
        out += struct.pack("<q", len(blob) // 4) + blob  # numel (int64) then raw float32
    return out


# -- legacy tar format (PyTorch <= 0.1.10) ------------------------------------

TAR_MTIME = 1490000000  # fixed: March 2017, the era of this format


def tar_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = TAR_MTIME
            info.mode = 0o600
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


TAR_TENSOR_KEYS = [140240000001000, 140240000002000, 140240000003000, 140240000004000]
TAR_STORAGE_KEYS = [140240000005000, 140240000006000, 140240000007000, 140240000008000]


def legacy_tar_members(malicious_pickle: bool = False) -> list[tuple[str, bytes]]:
    """sys_info / pickle / tensors / storages as torch 0.1.x _save wrote them."""
    sys_info = checked(
        pickle.dumps(
            {"protocol_version": 1000, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 8}},
            protocol=2,
        )
    )
    with FakeTorch() as ft:
        # main pickle: OrderedDict of tensors, each a persistent id str(id(tensor))
        class PidPickler(pickle.Pickler):
            def persistent_id(self, o):
                return o.pid if isinstance(o, _Pid) else None

        sd = collections.OrderedDict(
            (name, _Pid(str(TAR_TENSOR_KEYS[i]))) for i, (name, _shape) in enumerate(MLP_SHAPES)
        )
        buf = io.BytesIO()
        PidPickler(buf, protocol=2).dump(sd)
        main = checked(buf.getvalue())
        if malicious_pickle:
            main = inject_after_proto(main)

        tensors = checked(pickle.dumps(len(MLP_SHAPES), protocol=2))
        storages = checked(pickle.dumps(len(MLP_SHAPES), protocol=2))
        for i, (_name, shape) in enumerate(MLP_SHAPES):
            tensors += checked(
                pickle.dumps((TAR_TENSOR_KEYS[i], TAR_STORAGE_KEYS[i], ft.torch.FloatTensor), protocol=2)
            )
            t = TensorStandIn(ft, StorageStandIn([0.0]), shape)
            tensors += struct.pack("<q", len(shape))
            tensors += struct.pack(f"<{len(shape)}q", *shape)
            tensors += struct.pack(f"<{len(shape)}q", *t.stride)
            tensors += struct.pack("<q", 0)
        for i, (_name, shape) in enumerate(MLP_SHAPES):
            numel = 1
            for d in shape:
                numel *= d
            values = sixteenths(numel, i + 1)
            storages += checked(pickle.dumps((TAR_STORAGE_KEYS[i], "cpu", ft.torch.FloatStorage), protocol=2))
            storages += struct.pack("<q", numel) + struct.pack(f"<{numel}f", *values)
        storages += checked(pickle.dumps([], protocol=2))  # storage_views
    return [("sys_info", sys_info), ("pickle", main), ("tensors", tensors), ("storages", storages)]


class _Pid:
    def __init__(self, pid: str) -> None:
        self.pid = pid


# -- TorchScript archives -----------------------------------------------------


class TSPickler:
    """Emulates the C++ torch::jit::Pickler (protocol 2, memoized globals/strings)."""

    def __init__(self) -> None:
        self.out = bytearray(Op.PROTO(2))
        self.memo = 0
        self.globals: dict[tuple[str, str], int] = {}
        self.strings: dict[str, int] = {}
        self.tensors: list[bytes] = []

    def put(self) -> None:
        self.out += Op.BINPUT(self.memo)
        self.memo += 1

    def glob(self, module: str, name: str) -> None:
        key = (module, name)
        if key in self.globals:
            self.out += Op.BINGET(self.globals[key])
        else:
            self.out += Op.GLOBAL(module, name)
            self.globals[key] = self.memo
            self.put()

    def string(self, s: str) -> None:
        if s in self.strings:
            self.out += Op.BINGET(self.strings[s])
        else:
            self.out += Op.BINUNICODE(s)
            self.strings[s] = self.memo
            self.put()

    def int(self, n: int) -> None:
        self.out += Op.BININT1(n) if 0 <= n < 256 else Op.BININT(n)

    def tensor(self, values: list[float], shape: tuple, requires_grad: bool = False) -> None:
        self.glob("torch._utils", "_rebuild_tensor_v2")
        self.out += Op.MARK
        self.out += Op.MARK
        self.string("storage")
        self.glob("torch", "FloatStorage")
        self.string(str(len(self.tensors)))
        self.string("cpu")
        self.int(len(values))
        self.out += Op.TUPLE + Op.BINPERSID
        self.put()
        self.tensors.append(struct.pack(f"<{len(values)}f", *values))
        self.int(0)
        stride = []
        acc = 1
        for d in reversed(shape):
            stride.insert(0, acc)
            acc *= d
        self.out += Op.MARK
        for d in shape:
            self.int(d)
        self.out += Op.TUPLE + Op.MARK
        for s in stride:
            self.int(s)
        self.out += Op.TUPLE
        self.out += Op.NEWTRUE if requires_grad else Op.NEWFALSE
        self.glob("collections", "OrderedDict")
        self.out += Op.EMPTY_TUPLE + Op.REDUCE
        self.out += Op.TUPLE + Op.REDUCE

    def obj(self, module: str, name: str, attrs: list[tuple[str, Callable[[], None]]]) -> None:
        self.glob(module, name)
        self.out += Op.EMPTY_TUPLE + Op.NEWOBJ + Op.EMPTY_DICT + Op.MARK
        for key, push in attrs:
            self.string(key)
            push()
        self.out += Op.SETITEMS + Op.BUILD

    def finish(self) -> bytes:
        self.out += Op.STOP
        return checked(bytes(self.out))


# Code files as torch.jit.save prints them (checked against torch 2.x output).
TS_LINEAR_CODE = """\
class Linear(Module):
  __parameters__ = ["weight", "bias", ]
  __buffers__ = []
  weight : Tensor
  bias : Tensor
  training : bool
  _is_full_backward_hook : NoneType
  out_features : Final[int] = {outf}
  in_features : Final[int] = {inf}
  def forward(self: __torch__.torch.nn.modules.linear.{mangle}Linear,
    input: Tensor) -> Tensor:
    weight = self.weight
    bias = self.bias
    return torch.linear(input, weight, bias)
"""

TS_RELU_CODE = """\
class ReLU(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : NoneType
  inplace : Final[bool] = False
  def forward(self: __torch__.torch.nn.modules.activation.ReLU,
    input: Tensor) -> Tensor:
    _0 = __torch__.torch.nn.functional.relu(input, False, )
    return _0
"""

TS_FUNCTIONAL_CODE = """\
def relu(input: Tensor,
    inplace: bool=False) -> Tensor:
  if inplace:
    result = torch.relu_(input)
  else:
    result = torch.relu(input)
  return result
"""

TS_TOP_CODE = """\
class TinyMLP(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  fc1 : __torch__.torch.nn.modules.linear.Linear
  act : __torch__.torch.nn.modules.activation.ReLU
  fc2 : __torch__.torch.nn.modules.linear.___torch_mangle_0.Linear
  def forward(self: __torch__.TinyMLP,
    x: Tensor) -> Tensor:
    fc2 = self.fc2
    act = self.act
    fc1 = self.fc1
{body}"""

TS_BENIGN_BODY = """\
    _0 = (fc2).forward((act).forward((fc1).forward(x, ), ), )
    return _0
"""

# Inert: the command only echoes.  TorchScript itself would never compile this;
# it exists so the TorchScript code scanner has something to find.
TS_IMPORT_OS_BODY = """\
    _0 = __import__("os").system("echo sentrascan-fixture")
    _1 = (fc2).forward((act).forward((fc1).forward(x, ), ), )
    return _1
"""

TS_CUSTOM_OP_BODY = """\
    _0 = ops.sentrascan_fixture.spawn_shell("echo sentrascan-fixture")
    _1 = (fc2).forward((act).forward((fc1).forward(x, ), ), )
    return _1
"""

# The (fictional) Python sources the TorchScript code was compiled from; the
# .debug_pkl files map code offsets back to these lines.
TS_SOURCES = {
    "code/__torch__.py": (
        "tiny_mlp.py",
        11,
        ["    def forward(self, x):\n", "        return self.fc2(self.act(self.fc1(x)))\n"],
    ),
    "code/__torch__/torch/nn/modules/linear.py": (
        "torch/nn/modules/linear.py",
        124,
        [
            "    def forward(self, input: Tensor) -> Tensor:\n",
            "        return F.linear(input, self.weight, self.bias)\n",
        ],
    ),
    "code/__torch__/torch/nn/modules/linear/___torch_mangle_0.py": (
        "torch/nn/modules/linear.py",
        124,
        [
            "    def forward(self, input: Tensor) -> Tensor:\n",
            "        return F.linear(input, self.weight, self.bias)\n",
        ],
    ),
    "code/__torch__/torch/nn/modules/activation.py": (
        "torch/nn/modules/activation.py",
        132,
        ["    def forward(self, input: Tensor) -> Tensor:\n", "        return F.relu(input, inplace=self.inplace)\n"],
    ),
    "code/__torch__/torch/nn/functional.py": (
        "torch/nn/functional.py",
        1693,
        [
            "def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: D400,D402\n",
            "    if inplace:\n",
            "        result = torch.relu_(input)\n",
            "    else:\n",
            "        result = torch.relu(input)\n",
            "    return result\n",
        ],
    ),
}


def debug_pkl(code: str, filename: str, first_line: int, source_lines: list[str]) -> bytes:
    """A source-range table in torch's FORMAT_WITH_STRING_TABLE layout.

    (tag, (string table), (records)) where each record is
    (byte offset in the code file, ((build_intlist(text ids), file id, line), start, end), tag)
    -- including the torch.jit._pickle.build_intlist global real archives carry.
    """
    p = TSPickler()
    p.string("FORMAT_WITH_STRING_TABLE")
    table = ["", *source_lines, filename]
    p.out += Op.MARK
    for s in table:
        p.string(s)
    p.out += Op.TUPLE
    p.put()
    text = "".join(source_lines)
    sources: dict[str, int] = {}

    def source(kind: str) -> None:
        if kind in sources:
            p.out += Op.BINGET(sources[kind])
            return
        ids, file_id, line = (
            ([], 0, 0) if kind == "empty" else (list(range(1, len(source_lines) + 1)), len(table) - 1, first_line)
        )
        p.glob("torch.jit._pickle", "build_intlist")
        p.out += Op.MARK + Op.EMPTY_LIST + Op.MARK
        for i in ids:
            p.int(i)
        p.out += Op.APPENDS + Op.TUPLE + Op.REDUCE
        p.int(file_id)
        p.int(line)
        p.out += Op.TUPLE3
        sources[kind] = p.memo
        p.put()

    def record(offset: int, kind: str, start: int, end: int, tag: int) -> None:
        p.out += Op.BININT2(offset) if offset > 255 else Op.BININT1(offset)
        source(kind)
        p.int(start)
        p.int(end)
        p.out += Op.TUPLE3
        p.int(tag)
        p.out += Op.TUPLE3

    p.out += Op.MARK
    record(0, "empty", 0, 0, 0)
    anchor = code.index("def ")
    record(anchor, "real", 0, len(source_lines[0]), 1)
    ret = code.rindex("return")
    ret_src = text.rindex("return")
    record(ret, "real", ret_src, len(text) - 1, 2)
    record(len(code) - 1, "empty", 0, 0, 0)
    p.out += Op.TUPLE
    p.put()
    p.out += Op.TUPLE3
    return p.finish()


def torchscript_archive(body: str) -> bytes:
    """torch.jit.save layout of a scripted TinyMLP (Linear -> ReLU -> Linear)."""
    tensors = {}
    for seed, (name, shape) in enumerate(MLP_SHAPES, start=1):
        numel = 1
        for d in shape:
            numel *= d
        tensors[name] = (sixteenths(numel, seed), shape)
    p = TSPickler()

    def true() -> None:
        p.out += Op.NEWTRUE

    def none() -> None:
        p.out += Op.NONE

    def linear(module: str, prefix: str) -> Callable[[], None]:
        return lambda: p.obj(
            module,
            "Linear",
            [
                ("weight", lambda: p.tensor(*tensors[f"{prefix}.weight"], requires_grad=True)),
                ("bias", lambda: p.tensor(*tensors[f"{prefix}.bias"], requires_grad=True)),
                ("training", true),
                ("_is_full_backward_hook", none),
            ],
        )

    p.obj(
        "__torch__",
        "TinyMLP",
        [
            ("training", true),
            ("_is_full_backward_hook", none),
            ("fc1", linear("__torch__.torch.nn.modules.linear", "fc1")),
            (
                "act",
                lambda: p.obj(
                    "__torch__.torch.nn.modules.activation",
                    "ReLU",
                    [("training", true), ("_is_full_backward_hook", none)],
                ),
            ),
            ("fc2", linear("__torch__.torch.nn.modules.linear.___torch_mangle_0", "fc2")),
        ],
    )
    data_pkl = p.finish()
    code = {
        "code/__torch__.py": TS_TOP_CODE.format(body=body),
        "code/__torch__/torch/nn/modules/linear.py": TS_LINEAR_CODE.format(inf=3, outf=4, mangle=""),
        "code/__torch__/torch/nn/modules/activation.py": TS_RELU_CODE,
        "code/__torch__/torch/nn/modules/linear/___torch_mangle_0.py": TS_LINEAR_CODE.format(
            inf=4, outf=2, mangle="___torch_mangle_0."
        ),
        "code/__torch__/torch/nn/functional.py": TS_FUNCTIONAL_CODE,
    }
    entries = [ZipEntry(f"archive/data/{i}", blob) for i, blob in enumerate(p.tensors)]
    entries.append(ZipEntry("archive/data.pkl", data_pkl))
    for path, src in code.items():
        filename, first_line, lines = TS_SOURCES[path]
        # torch.jit.save deflates code and debug records (tensors stay stored)
        entries.append(ZipEntry(f"archive/{path}", src.encode(), compress=True))
        entries.append(
            ZipEntry(f"archive/{path}.debug_pkl", debug_pkl(src, filename, first_line, lines), compress=True)
        )
    entries.append(ZipEntry("archive/constants.pkl", checked(Op.PROTO(2) + Op.EMPTY_TUPLE + Op.STOP)))
    entries.append(ZipEntry("archive/version", b"3\n"))
    entries.append(ZipEntry("archive/byteorder", b"little"))
    entries.append(ZipEntry("archive/.data/serialization_id", serialization_id(entries)))
    return miniz_zip(entries)


# ---------------------------------------------------------------------------
# Torch fixtures
# ---------------------------------------------------------------------------


def state_dict_pickle() -> tuple[bytes, list[bytes]]:
    with FakeTorch() as ft:
        return torch_pickle(ft, mlp_state_dict(ft))


def benign_torch_zip_state_dict() -> bytes:
    pkl, blobs = state_dict_pickle()
    return miniz_zip(torch_zip_entries("torch_zip_state_dict_mlp", pkl, blobs, modern=True))


def benign_torch_zip_full_module() -> bytes:
    with FakeTorch() as ft:
        pkl, blobs = torch_pickle(ft, sequential_module(ft))
    return miniz_zip(torch_zip_entries("archive", pkl, blobs, modern=False))


def malicious_torch_entries(pkl_member: str = "data.pkl") -> list[ZipEntry]:
    pkl, blobs = state_dict_pickle()
    return torch_zip_entries("archive", inject_after_proto(pkl), blobs, modern=False, pkl_member=pkl_member)


def torch_zip_os_system() -> bytes:
    return miniz_zip(malicious_torch_entries())


def torch_zip_data_txt() -> bytes:
    return miniz_zip(malicious_torch_entries("data.txt"))


def torch_zip_bad_crc() -> bytes:
    entries = malicious_torch_entries()
    e = entries[0]
    e.crc = zlib.crc32(e.data) ^ 0xFFFFFFFF
    return miniz_zip(entries)


def torch_zip_name_mismatch() -> bytes:
    entries = malicious_torch_entries()
    entries[0].local_name = "archive/notes.txt"
    return miniz_zip(entries)


def torch_zip_encryption_flag() -> bytes:
    entries = malicious_torch_entries()
    entries[0].flags |= 0x0001  # "encrypted", yet the bytes are stored in the clear
    return miniz_zip(entries)


def torch_zip_duplicate_member() -> bytes:
    pkl, blobs = state_dict_pickle()
    entries = torch_zip_entries("archive", pkl, blobs, modern=False)
    dup = ZipEntry("archive/data.pkl", inject_after_proto(pkl))
    entries.insert(1, dup)  # benign archive/data.pkl first, malicious one second
    return miniz_zip(entries)


def torch_zip_storage_short() -> bytes:
    """A benign state dict whose first storage record is cut to 8 bytes."""
    pkl, blobs = state_dict_pickle()
    blobs = [blobs[0][:8]] + blobs[1:]
    return miniz_zip(torch_zip_entries("archive", pkl, blobs, modern=False))


def benign_torch_zip_record_like_pickle() -> bytes:
    """A benign state dict whose first storage record (fc1.weight, 12 float32
    values) holds bytes that decode as protocol-0 opcodes calling a global.
    torch.load reads a declared `data/<key>` record as raw tensor bytes and
    never unpickles it, so this is not a pickle member."""
    pkl, blobs = state_dict_pickle()
    fake = b"cos\nsystem\n(S'x'\ntR."
    blobs = [fake + b"\0" * (len(blobs[0]) - len(fake))] + blobs[1:]
    return miniz_zip(torch_zip_entries("archive", pkl, blobs, modern=False))


def pickle_zip_polyglot() -> bytes:
    """A harmless pickle with a malicious PyTorch zip appended: pickle loaders read
    the first, zip readers (and torch.load on a renamed copy) the second."""
    return checked(pickle.dumps({"note": "polyglot"}, protocol=2)) + torch_zip_os_system()


def benign_torch_zip_model_zoo() -> bytes:
    with FakeTorch() as ft:
        pkl, blobs = torch_pickle(ft, model_zoo_module(ft))
    return miniz_zip(torch_zip_entries("archive", pkl, blobs, modern=False))


def zip_in_zip() -> bytes:
    inner = torch_zip_os_system()
    return plain_zip(
        [
            ("README.txt", b"synthetic SentraScan fixture: a zip holding a PyTorch checkpoint\n"),
            ("models/inner_model.pt", inner),
        ]
    )


def legacy_state_dict_parts() -> tuple[bytes, list[bytes]]:
    with FakeTorch() as ft:
        return torch_pickle(ft, mlp_state_dict(ft), legacy_keys=LEGACY_KEYS)


def benign_legacy() -> bytes:
    pkl, blobs = legacy_state_dict_parts()
    return legacy_file(pkl, LEGACY_KEYS, blobs)


def legacy_model_payload() -> bytes:
    pkl, blobs = legacy_state_dict_parts()
    return legacy_file(inject_after_proto(pkl), LEGACY_KEYS, blobs)


def legacy_appended_pickle() -> bytes:
    return benign_legacy() + posix_system_p2()


def legacy_eval_magic() -> bytes:
    first = checked(
        asm(
            Op.PROTO(2),
            Op.GLOBAL("__builtin__", "eval"),
            Op.BINPUT(0),
            Op.BINUNICODE("0x1950A86A20F9469CFC6C"),
            Op.BINPUT(1),
            Op.TUPLE1,
            Op.BINPUT(2),
            Op.REDUCE,
            Op.BINPUT(3),
            Op.STOP,
        )
    )
    pkl, blobs = legacy_state_dict_parts()
    return legacy_file(pkl, LEGACY_KEYS, blobs, first=first)


def benign_legacy_tar() -> bytes:
    return tar_bytes(legacy_tar_members())


def legacy_tar_malicious() -> bytes:
    return tar_bytes(legacy_tar_members(malicious_pickle=True))


# ---------------------------------------------------------------------------
# Malicious pickle fixtures (testdata/pickle/)
# ---------------------------------------------------------------------------


def p_protocol0_posix_system() -> bytes:
    return checked(
        asm(
            Op.GLOBAL("posix", "system"),
            Op.PUT(0),
            Op.MARK,
            Op.STRING(CMD),
            Op.PUT(1),
            Op.TUPLE,
            Op.PUT(2),
            Op.REDUCE,
            Op.PUT(3),
            Op.STOP,
        )
    )


def p_protocol1_nt_system() -> bytes:
    return checked(
        asm(
            Op.GLOBAL("nt", "system"),
            Op.BINPUT(0),
            Op.MARK,
            Op.BINUNICODE(CMD),
            Op.BINPUT(1),
            Op.TUPLE,
            Op.BINPUT(2),
            Op.REDUCE,
            Op.BINPUT(3),
            Op.STOP,
        )
    )


def p_protocol2_builtin_eval() -> bytes:
    # byte-for-byte what pickle.dumps((eval, (PY_CODE,)) reduce, protocol=2) writes
    return checked(
        asm(
            Op.PROTO(2),
            Op.GLOBAL("__builtin__", "eval"),
            Op.BINPUT(0),
            Op.BINUNICODE(PY_CODE),
            Op.BINPUT(1),
            Op.TUPLE1,
            Op.BINPUT(2),
            Op.REDUCE,
            Op.BINPUT(3),
            Op.STOP,
        )
    )


def p_inst_os_system() -> bytes:
    return checked(asm(Op.MARK, Op.STRING(CMD), Op.INST("os", "system"), Op.PUT(0), Op.STOP))


def p_obj_subprocess_popen() -> bytes:
    # protocol 1: MARK cls MARK 'echo' 'sentrascan-fixture' LIST OBJ
    return checked(
        asm(
            Op.MARK,
            Op.GLOBAL("subprocess", "Popen"),
            Op.BINPUT(0),
            Op.MARK,
            Op.BINUNICODE("echo"),
            Op.BINUNICODE("sentrascan-fixture"),
            Op.LIST,
            Op.BINPUT(1),
            Op.OBJ,
            Op.BINPUT(2),
            Op.STOP,
        )
    )


def p_newobj_ex_subprocess_popen() -> bytes:
    return checked(
        framed(
            4,
            Op.SHORT_BINUNICODE("subprocess"),
            Op.MEMOIZE,
            Op.SHORT_BINUNICODE("Popen"),
            Op.MEMOIZE,
            Op.STACK_GLOBAL,
            Op.MEMOIZE,
            Op.EMPTY_LIST,
            Op.MEMOIZE,
            Op.MARK,
            Op.SHORT_BINUNICODE("echo"),
            Op.MEMOIZE,
            Op.SHORT_BINUNICODE("sentrascan-fixture"),
            Op.MEMOIZE,
            Op.APPENDS,
            Op.TUPLE1,
            Op.MEMOIZE,
            Op.EMPTY_DICT,
            Op.MEMOIZE,
            Op.NEWOBJ_EX,
            Op.MEMOIZE,
            Op.STOP,
        )
    )


def p_memo_confusion() -> bytes:
    # Memo slots written out of order: a scanner that assumes sequential memo
    # indices resolves GET 2 / GET 3 to torch.LongStorage; the truth is os.system.
    return checked(
        framed(
            4,
            Op.UNICODE("os"),
            Op.PUT(2),
            Op.POP,
            Op.UNICODE("system"),
            Op.PUT(3),
            Op.POP,
            Op.UNICODE("torch"),
            Op.PUT(0),
            Op.POP,
            Op.UNICODE("LongStorage"),
            Op.PUT(1),
            Op.POP,
            Op.GET(2),
            Op.GET(3),
            Op.STACK_GLOBAL,
            Op.UNICODE(CMD),
            Op.TUPLE1,
            Op.REDUCE,
            Op.STOP,
        )
    )


def stack_global_call(module: str, name: str, *args: bytes) -> bytes:
    body = [
        Op.SHORT_BINUNICODE(module),
        Op.MEMOIZE,
        Op.SHORT_BINUNICODE(name),
        Op.MEMOIZE,
        Op.STACK_GLOBAL,
        Op.MEMOIZE,
        Op.MARK,
        *args,
        Op.TUPLE,
        Op.MEMOIZE,
        Op.REDUCE,
        Op.MEMOIZE,
        Op.STOP,
    ]
    return checked(framed(4, *body))


def p_dotted_pathlib_os_system() -> bytes:
    return stack_global_call("pathlib", "os.system", Op.SHORT_BINUNICODE(CMD))


def p_dotted_torch_hub_load() -> bytes:
    return stack_global_call(
        "torch", "hub.load", Op.SHORT_BINUNICODE("example.invalid/sentrascan-fixture"), Op.SHORT_BINUNICODE("model")
    )


def p_builtins_dict_get_eval() -> bytes:
    # builtins.__dict__.get('eval')(PY_CODE)
    return checked(
        framed(
            4,
            Op.SHORT_BINUNICODE("builtins"),
            Op.MEMOIZE,
            Op.SHORT_BINUNICODE("__dict__.get"),
            Op.MEMOIZE,
            Op.STACK_GLOBAL,
            Op.MEMOIZE,
            Op.SHORT_BINUNICODE("eval"),
            Op.MEMOIZE,
            Op.TUPLE1,
            Op.MEMOIZE,
            Op.REDUCE,  # -> eval
            Op.MEMOIZE,
            Op.SHORT_BINUNICODE(PY_CODE),
            Op.MEMOIZE,
            Op.TUPLE1,
            Op.MEMOIZE,
            Op.REDUCE,  # eval(PY_CODE)
            Op.MEMOIZE,
            Op.STOP,
        )
    )


def p_pkgutil_resolve_name() -> bytes:
    # pkgutil.resolve_name('os:system')(CMD)
    return checked(
        asm(
            Op.PROTO(2),
            Op.GLOBAL("pkgutil", "resolve_name"),
            Op.BINPUT(0),
            Op.BINUNICODE("os:system"),
            Op.BINPUT(1),
            Op.TUPLE1,
            Op.BINPUT(2),
            Op.REDUCE,
            Op.BINPUT(3),
            Op.BINUNICODE(CMD),
            Op.BINPUT(4),
            Op.TUPLE1,
            Op.BINPUT(5),
            Op.REDUCE,
            Op.BINPUT(6),
            Op.STOP,
        )
    )


def p_importlib_getattr() -> bytes:
    # builtins.getattr(importlib.import_module('os'), 'system')(CMD)
    return checked(
        asm(
            Op.PROTO(2),
            Op.GLOBAL("builtins", "getattr"),
            Op.BINPUT(0),
            Op.GLOBAL("importlib", "import_module"),
            Op.BINPUT(1),
            Op.BINUNICODE("os"),
            Op.BINPUT(2),
            Op.TUPLE1,
            Op.BINPUT(3),
            Op.REDUCE,  # -> module os
            Op.BINPUT(4),
            Op.BINUNICODE("system"),
            Op.BINPUT(5),
            Op.TUPLE2,
            Op.BINPUT(6),
            Op.REDUCE,  # -> os.system
            Op.BINPUT(7),
            Op.BINUNICODE(CMD),
            Op.BINPUT(8),
            Op.TUPLE1,
            Op.BINPUT(9),
            Op.REDUCE,
            Op.BINPUT(10),
            Op.STOP,
        )
    )


def p_operator_methodcaller() -> bytes:
    # operator.methodcaller('system', CMD)(importlib.import_module('os'))
    return checked(
        asm(
            Op.PROTO(2),
            Op.GLOBAL("operator", "methodcaller"),
            Op.BINPUT(0),
            Op.BINUNICODE("system"),
            Op.BINPUT(1),
            Op.BINUNICODE(CMD),
            Op.BINPUT(2),
            Op.TUPLE2,
            Op.BINPUT(3),
            Op.REDUCE,  # -> methodcaller object
            Op.BINPUT(4),
            Op.GLOBAL("importlib", "import_module"),
            Op.BINPUT(5),
            Op.BINUNICODE("os"),
            Op.BINPUT(6),
            Op.TUPLE1,
            Op.BINPUT(7),
            Op.REDUCE,  # -> module os
            Op.BINPUT(8),
            Op.TUPLE1,
            Op.BINPUT(9),
            Op.REDUCE,  # methodcaller(os) -> os.system(CMD)
            Op.BINPUT(10),
            Op.STOP,
        )
    )


def p_cprofile_run() -> bytes:
    return malicious_call("cProfile", "run", Op.BINUNICODE(PY_CODE))


def p_asyncio_unix_events() -> bytes:
    return checked(
        asm(
            Op.PROTO(2),
            Op.GLOBAL("asyncio.unix_events", "_UnixSelectorEventLoop"),
            Op.BINPUT(0),
            Op.EMPTY_TUPLE,
            Op.REDUCE,
            Op.BINPUT(1),
            Op.STOP,
        )
    )


def p_stack_global_string_operands() -> bytes:
    return checked(
        framed(
            4,
            Op.STRING("os"),
            Op.MEMOIZE,
            Op.BINSTRING("system"),
            Op.MEMOIZE,
            Op.STACK_GLOBAL,
            Op.MEMOIZE,
            Op.SHORT_BINSTRING(CMD),
            Op.MEMOIZE,
            Op.TUPLE1,
            Op.MEMOIZE,
            Op.REDUCE,
            Op.MEMOIZE,
            Op.STOP,
        )
    )


def benign_small_dict() -> bytes:
    return checked(
        pickle.dumps({"epoch": 3, "lr": 0.125, "name": "tiny-mlp", "weights": [0.5, -0.25, 1.0]}, protocol=2)
    )


def p_concat_benign_malicious() -> bytes:
    second = checked(asm(Op.GLOBAL("posix", "system"), Op.MARK, Op.UNICODE(CMD), Op.TUPLE, Op.REDUCE, Op.STOP))
    return benign_small_dict() + second


def p_nullifai() -> bytes:
    # payload runs first, then the stream breaks: invalid opcode 0xff, garbage, no STOP
    head = asm(
        Op.PROTO(2),
        Op.GLOBAL("posix", "system"),
        Op.BINPUT(0),
        Op.BINUNICODE(CMD),
        Op.BINPUT(1),
        Op.TUPLE1,
        Op.BINPUT(2),
        Op.REDUCE,
        Op.BINPUT(3),
    )
    return head + b"\xff" + b"sentrascan-fixture-garbage\x00\x01\x02"


def p_shutil_copy() -> bytes:
    return malicious_call("shutil", "copy", Op.BINUNICODE("/dev/null"), Op.BINUNICODE("/tmp/sentrascan-fixture.txt"))


def p_socket_create_connection() -> bytes:
    return malicious_call("socket", "create_connection", Op.MARK, Op.BINUNICODE("127.0.0.1"), Op.BININT1(9), Op.TUPLE)


def p_torch_collect_env_run() -> bytes:
    return malicious_call("torch.utils.collect_env", "run", Op.BINUNICODE(CMD))


def p_pip_main() -> bytes:
    return malicious_call("pip", "main", Op.MARK, Op.BINUNICODE("--version"), Op.LIST)


def p_marshal_function_type() -> bytes:
    # types.FunctionType(marshal.loads(<code>), {}) -- builds the function, never calls it
    return checked(
        asm(
            Op.PROTO(3),
            Op.GLOBAL("types", "FunctionType"),
            Op.BINPUT(0),
            Op.GLOBAL("marshal", "loads"),
            Op.BINPUT(1),
            Op.SHORT_BINBYTES(MARSHALLED_PRINT_CODE),
            Op.BINPUT(2),
            Op.TUPLE1,
            Op.BINPUT(3),
            Op.REDUCE,
            Op.BINPUT(4),
            Op.EMPTY_DICT,
            Op.BINPUT(5),
            Op.TUPLE2,
            Op.BINPUT(6),
            Op.REDUCE,
            Op.BINPUT(7),
            Op.STOP,
        )
    )


def p_numpy_runstring() -> bytes:
    return malicious_call("numpy.testing._private.utils", "runstring", Op.BINUNICODE(PY_CODE), Op.EMPTY_DICT)


def p_pickle_loads_nested() -> bytes:
    inner = posix_system_p2()
    return checked(
        asm(
            Op.PROTO(3),
            Op.GLOBAL("pickle", "loads"),
            Op.BINPUT(0),
            Op.SHORT_BINBYTES(inner),
            Op.BINPUT(1),
            Op.TUPLE1,
            Op.BINPUT(2),
            Op.REDUCE,
            Op.BINPUT(3),
            Op.STOP,
        )
    )


def p_nested_base64() -> bytes:
    payload = base64.b64encode(posix_system_p2()).decode("ascii")
    return checked(
        pickle.dumps({"config": {"model_name": "tiny-mlp", "preprocessor_state": payload}, "version": 2}, protocol=4)
    )


def p_nested_hex() -> bytes:
    payload = posix_system_p2().hex()
    return checked(
        pickle.dumps({"config": {"model_name": "tiny-mlp", "tokenizer_blob": payload}, "version": 2}, protocol=4)
    )


def p_nested_raw_bytes() -> bytes:
    return checked(
        pickle.dumps({"config": {"model_name": "tiny-mlp", "cache": posix_system_p2()}, "version": 2}, protocol=4)
    )


def p_unknown_global_imported() -> bytes:
    return checked(
        asm(
            Op.PROTO(2),
            Op.EMPTY_DICT,
            Op.BINPUT(0),
            Op.MARK,
            Op.BINUNICODE("model_class"),
            Op.BINPUT(1),
            Op.GLOBAL("mypkg.models", "Thing"),
            Op.BINPUT(2),
            Op.BINUNICODE("epochs"),
            Op.BINPUT(3),
            Op.BININT1(3),
            Op.SETITEMS,
            Op.STOP,
        )
    )


def p_unknown_global_called() -> bytes:
    return malicious_call("mypkg.tasks", "run", Op.BINUNICODE("nightly"))


def p_computed_module_operand() -> bytes:
    # STACK_GLOBAL(builtins.str.join('', ['o', 's']), 'system')(CMD)
    return checked(
        framed(
            4,
            Op.SHORT_BINUNICODE("builtins"),
            Op.MEMOIZE,
            Op.SHORT_BINUNICODE("str.join"),
            Op.MEMOIZE,
            Op.STACK_GLOBAL,
            Op.MEMOIZE,
            Op.SHORT_BINUNICODE(""),
            Op.MEMOIZE,
            Op.EMPTY_LIST,
            Op.MEMOIZE,
            Op.MARK,
            Op.SHORT_BINUNICODE("o"),
            Op.MEMOIZE,
            Op.SHORT_BINUNICODE("s"),
            Op.MEMOIZE,
            Op.APPENDS,
            Op.TUPLE2,
            Op.MEMOIZE,
            Op.REDUCE,  # -> 'os'
            Op.MEMOIZE,
            Op.SHORT_BINUNICODE("system"),
            Op.MEMOIZE,
            Op.STACK_GLOBAL,
            Op.MEMOIZE,
            Op.SHORT_BINUNICODE(CMD),
            Op.MEMOIZE,
            Op.TUPLE1,
            Op.MEMOIZE,
            Op.REDUCE,
            Op.MEMOIZE,
            Op.STOP,
        )
    )


def p_missing_memo_operand() -> bytes:
    # Not checked(): pickletools rightly rejects the GET of memo slot 7.
    return framed(
        4,
        Op.SHORT_BINUNICODE("os"),
        Op.MEMOIZE,  # memo 0
        Op.BINGET(7),  # never stored
        Op.STACK_GLOBAL,
        Op.MEMOIZE,
        Op.SHORT_BINUNICODE(CMD),
        Op.MEMOIZE,
        Op.TUPLE1,
        Op.MEMOIZE,
        Op.REDUCE,
        Op.MEMOIZE,
        Op.STOP,
    )


def p_ext1_reduce() -> bytes:
    return checked(asm(Op.PROTO(2), Op.EXT1(42), Op.MARK, Op.BINUNICODE(CMD), Op.TUPLE, Op.REDUCE, Op.STOP))


def p_ext4_reduce() -> bytes:
    return checked(asm(Op.PROTO(2), Op.EXT4(0x01020304), Op.MARK, Op.BINUNICODE(CMD), Op.TUPLE, Op.REDUCE, Op.STOP))


def p_truncated() -> bytes:
    full = benign_small_dict()
    return full[: len(full) // 2]


def p_stack_underflow() -> bytes:
    # REDUCE with nothing on the stack
    return asm(Op.PROTO(2), Op.REDUCE, Op.STOP)


def p_billion_laughs() -> bytes:
    levels = 30
    return checked(asm(Op.PROTO(2), Op.MARK * levels, Op.BINUNICODE("lol"), (Op.DUP + Op.LIST) * levels, Op.STOP))


def p_setitems_on_tensor() -> bytes:
    # torch._utils._rebuild_tensor_v2(...) result used as the target of SETITEMS
    return checked(
        asm(
            Op.PROTO(2),
            Op.GLOBAL("torch._utils", "_rebuild_tensor_v2"),
            Op.BINPUT(0),
            Op.MARK,
            Op.MARK,
            Op.BINUNICODE("storage"),
            Op.BINPUT(1),
            Op.GLOBAL("torch", "FloatStorage"),
            Op.BINPUT(2),
            Op.BINUNICODE("0"),
            Op.BINPUT(3),
            Op.BINUNICODE("cpu"),
            Op.BINPUT(4),
            Op.BININT1(4),
            Op.TUPLE,
            Op.BINPUT(5),
            Op.BINPERSID,
            Op.BINPUT(6),
            Op.BININT1(0),
            Op.BININT1(4),
            Op.TUPLE1,
            Op.BINPUT(7),
            Op.BININT1(1),
            Op.TUPLE1,
            Op.BINPUT(8),
            Op.NEWFALSE,
            Op.GLOBAL("collections", "OrderedDict"),
            Op.BINPUT(9),
            Op.EMPTY_TUPLE,
            Op.REDUCE,
            Op.BINPUT(10),
            Op.TUPLE,
            Op.BINPUT(11),
            Op.REDUCE,  # -> tensor
            Op.BINPUT(12),
            Op.MARK,
            Op.BININT(0x7FFFFFF0),
            Op.BINFLOAT(1.0),
            Op.BININT(-0x7FFFFFF0),
            Op.BINFLOAT(2.0),
            Op.SETITEMS,  # tensor.__setitem__ twice, out-of-range indices
            Op.STOP,
        )
    )


def p_misplaced_proto() -> bytes:
    return checked(
        asm(
            Op.PROTO(2),
            Op.EMPTY_DICT,
            Op.BINPUT(0),
            Op.MARK,
            Op.BINUNICODE("epoch"),
            Op.BINPUT(1),
            Op.BININT1(3),
            Op.PROTO(2),  # PROTO again, mid-stream
            Op.BINUNICODE("name"),
            Op.BINPUT(2),
            Op.BINUNICODE("tiny-mlp"),
            Op.BINPUT(3),
            Op.SETITEMS,
            Op.STOP,
        )
    )


# ---------------------------------------------------------------------------
# Benign fixtures (testdata/benign/)
# ---------------------------------------------------------------------------


def plain_data():
    OD = collections.OrderedDict
    return {
        "bool_false": False,
        "bool_true": True,
        "bytearray": bytearray(b"mutable\x00bytes"),
        "bytes": b"\x00\x01binary\xfe\xff",
        "complex": complex(1.5, -2.0),
        "empty": {"dict": {}, "list": [], "str": "", "tuple": ()},
        "floats": [0.0, 1.5, -2.25, 1e300, float("inf")],
        "frozenset": frozenset({1, 2, 3}),
        "ints": [0, 1, -1, 255, 256, 65535, 65536, 2**31 - 1, -(2**31), 2**40, -(2**70)],
        "name": "sentrascan benign fixture",
        "nested": {"layers": [{"in": 3, "out": 4}, {"in": 4, "out": 2}], "meta": (("k", 1), ("v", [1, 2]))},
        "none": None,
        "ordered": OD([("b", 1), ("a", 2), ("c", OD([("z", 0)]))]),
        "set": {3, 1, 2},
        "shared": None,  # filled below with a repeated reference (memo GET)
        "tuple": (1, "two", 3.0),
        "unicode": "h\u00e9llo w\u00f6rld \u2713 \u6a21\u578b",
    }


def benign_plain(protocol: int) -> Callable[[], bytes]:
    def build() -> bytes:
        data = plain_data()
        shared = [1, 2, 3]
        data["shared"] = [shared, shared]
        return checked(pickle.dumps(data, protocol=protocol))

    return build


def benign_out_of_band() -> bytes:
    buffers: list[pickle.PickleBuffer] = []
    obj = {
        "readonly": pickle.PickleBuffer(b"read-only buffer bytes"),
        "writable": pickle.PickleBuffer(bytearray(b"writable buffer bytes")),
        "inline": b"in-band bytes",
    }
    data = pickle.dumps(obj, protocol=5, buffer_callback=buffers.append)
    assert len(buffers) == 2
    return checked(data)


# -- optional-dependency fixtures ----------------------------------------------


def _numpy():
    import numpy as np  # noqa: PLC0415

    return np


def numpy_payload():
    np = _numpy()
    return {
        "labels": np.array([0, 1, 1, 0], dtype=np.int64),
        "weights": (np.arange(6, dtype=np.float32).reshape(2, 3) / np.float32(8.0)),
    }


def benign_numpy(protocol: int) -> Callable[[], bytes]:
    def build() -> bytes:
        return checked(pickle.dumps(numpy_payload(), protocol=protocol))

    return build


def benign_numpy1_spelling() -> bytes:
    data = pickle.dumps(numpy_payload(), protocol=2)
    old = b"cnumpy._core.multiarray\n"
    assert data.count(old) == 1  # protocol 2 memoizes the global after first use
    return checked(data.replace(old, b"cnumpy.core.multiarray\n"))


def benign_numpy_out_of_band() -> bytes:
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(numpy_payload(), protocol=5, buffer_callback=buffers.append)
    assert len(buffers) == 2
    return checked(data)


def _training_data():
    np = _numpy()
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [2.0, 2.0], [2.0, 3.0], [3.0, 2.0], [3.0, 3.0]])
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    return X, y


def benign_sklearn_pipeline(protocol: int) -> Callable[[], bytes]:
    def build() -> bytes:
        from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
        from sklearn.pipeline import Pipeline  # noqa: PLC0415
        from sklearn.preprocessing import StandardScaler  # noqa: PLC0415

        X, y = _training_data()
        model = Pipeline([("scaler", StandardScaler()), ("clf", LogisticRegression())]).fit(X, y)
        return checked(pickle.dumps(model, protocol=protocol))

    return build


def benign_sklearn_forest() -> bytes:
    from sklearn.ensemble import RandomForestClassifier  # noqa: PLC0415

    X, y = _training_data()
    model = RandomForestClassifier(n_estimators=3, max_depth=2, random_state=0, n_jobs=1).fit(X, y)
    return checked(pickle.dumps(model, protocol=4))


# ---------------------------------------------------------------------------
# Fixture table: path, builder, expectations
# ---------------------------------------------------------------------------

BENIGN = [("-", "-")]


@dataclass
class Fixture:
    path: str
    build: Callable[[], bytes]
    expect: list[tuple[str, str]]
    requires: tuple[str, ...] = ()
    note: str = ""


def C(code: str) -> tuple[str, str]:
    return (code, "CRITICAL")


def H(code: str) -> tuple[str, str]:
    return (code, "HIGH")


def M(code: str) -> tuple[str, str]:
    return (code, "MEDIUM")


def L(code: str) -> tuple[str, str]:
    return (code, "LOW")


FIXTURES: list[Fixture] = [
    # ---- pickle/ : one technique each --------------------------------------
    Fixture("pickle/PKL001_protocol0_posix_system.pkl", p_protocol0_posix_system, [C("PKL001")]),
    Fixture("pickle/PKL001_protocol1_nt_system.pkl", p_protocol1_nt_system, [C("PKL001")]),
    Fixture("pickle/PKL001_protocol2_builtin_eval.pkl", p_protocol2_builtin_eval, [C("PKL001")]),
    Fixture("pickle/PKL001_protocol4_stack_global_os_system.pkl", os_system_p4, [C("PKL001")]),
    Fixture("pickle/PKL001_inst_os_system.pkl", p_inst_os_system, [C("PKL001")]),
    Fixture("pickle/PKL001_obj_subprocess_popen.pkl", p_obj_subprocess_popen, [C("PKL001")]),
    Fixture("pickle/PKL001_newobj_ex_subprocess_popen.pkl", p_newobj_ex_subprocess_popen, [C("PKL001")]),
    Fixture("pickle/PKL001_memo_confusion_os_system.pkl", p_memo_confusion, [C("PKL001")]),
    Fixture("pickle/PKL001_dotted_pathlib_os_system.pkl", p_dotted_pathlib_os_system, [C("PKL001")]),
    Fixture("pickle/PKL001_dotted_torch_hub_load.pkl", p_dotted_torch_hub_load, [C("PKL001")]),
    Fixture(
        "pickle/PKL001_builtins_dict_get_eval.pkl",
        p_builtins_dict_get_eval,
        [C("PKL001"), C("PKL004")],
        note="builtins.__dict__.get is PKL001; calling its result (eval) is a computed callable",
    ),
    Fixture(
        "pickle/PKL001_pkgutil_resolve_name_call.pkl",
        p_pkgutil_resolve_name,
        [C("PKL001")],
        note="pkgutil.resolve_name is PKL001; the machine resolves its result to os.system, also PKL001",
    ),
    Fixture(
        "pickle/PKL001_importlib_getattr_call.pkl",
        p_importlib_getattr,
        [C("PKL001")],
        note="importlib.import_module and builtins.getattr are PKL001; the machine resolves getattr's result to os.system",
    ),
    Fixture(
        "pickle/PKL001_operator_methodcaller_module.pkl",
        p_operator_methodcaller,
        [C("PKL001")],
        note="operator.methodcaller and importlib.import_module are PKL001; the machine resolves the call to os.system",
    ),
    Fixture("pickle/PKL001_cprofile_run.pkl", p_cprofile_run, [C("PKL001")]),
    Fixture("pickle/PKL001_asyncio_unix_events.pkl", p_asyncio_unix_events, [C("PKL001")]),
    Fixture("pickle/PKL001_stack_global_string_operands.pkl", p_stack_global_string_operands, [C("PKL001")]),
    Fixture("pickle/PKL001_concatenated_benign_then_malicious.pkl", p_concat_benign_malicious, [C("PKL001")]),
    Fixture("pickle/PKL001_nullifai_invalid_opcode_after_payload.pkl", p_nullifai, [C("PKL001"), M("PKL006")]),
    Fixture("pickle/PKL001_shutil_copy.pkl", p_shutil_copy, [H("PKL001")]),
    Fixture("pickle/PKL001_socket_create_connection.pkl", p_socket_create_connection, [H("PKL001")]),
    Fixture("pickle/PKL001_torch_collect_env_run.pkl", p_torch_collect_env_run, [C("PKL001")]),
    Fixture("pickle/PKL001_pip_main.pkl", p_pip_main, [C("PKL001")]),
    Fixture("pickle/PKL001_marshal_loads_function_type.pkl", p_marshal_function_type, [C("PKL001")]),
    Fixture("pickle/PKL001_numpy_testing_runstring.pkl", p_numpy_runstring, [C("PKL001")]),
    Fixture("pickle/PKL001_pickle_loads_nested.pkl", p_pickle_loads_nested, [C("PKL001"), M("PKL007")]),
    Fixture("pickle/PKL001_pickle_no_extension", posix_system_p2, [C("PKL001")]),
    Fixture("pickle/PKL007_base64_nested_pickle.pkl", p_nested_base64, [C("PKL001"), M("PKL007")]),
    Fixture("pickle/PKL007_hex_nested_pickle.pkl", p_nested_hex, [C("PKL001"), M("PKL007")]),
    Fixture("pickle/PKL007_raw_bytes_nested_pickle.pkl", p_nested_raw_bytes, [C("PKL001"), M("PKL007")]),
    Fixture("pickle/PKL002_unknown_global_imported.pkl", p_unknown_global_imported, [M("PKL002")]),
    Fixture("pickle/PKL003_unknown_global_called.pkl", p_unknown_global_called, [H("PKL003")]),
    Fixture(
        "pickle/PKL004_computed_module_operand.pkl",
        p_computed_module_operand,
        [C("PKL004"), H("PKL003")],
        note="builtins.str.join is an unknown global called (PKL003); its result is the computed operand",
    ),
    Fixture("pickle/PKL004_missing_memo_operand.pkl", p_missing_memo_operand, [C("PKL004"), M("PKL006")]),
    Fixture("pickle/PKL005_ext1_reduce.pkl", p_ext1_reduce, [H("PKL005")]),
    Fixture("pickle/PKL005_ext4_reduce.pkl", p_ext4_reduce, [H("PKL005")]),
    Fixture("pickle/PKL006_truncated_stream.pkl", p_truncated, [M("PKL006")]),
    Fixture("pickle/PKL006_stack_underflow.pkl", p_stack_underflow, [M("PKL006")]),
    Fixture("pickle/PKL008_billion_laughs.pkl", p_billion_laughs, [H("PKL008")]),
    Fixture("pickle/PKL009_setitems_on_rebuilt_tensor.pkl", p_setitems_on_tensor, [H("PKL009")]),
    Fixture("pickle/PKL011_proto_mid_stream.pkl", p_misplaced_proto, [L("PKL011")]),
    Fixture("pickle/SCN004_pickle_named_as.safetensors", os_system_p4, [M("SCN004"), C("PKL001")]),
    # ---- pytorch/ ----------------------------------------------------------
    Fixture("pytorch/PKL001_torch_zip_os_system.pt", torch_zip_os_system, [C("PKL001")]),
    Fixture("pytorch/PT002_pickle_in_data_txt.pt", torch_zip_data_txt, [C("PKL001"), L("PT002")]),
    Fixture("pytorch/ARC001_crc_mismatch.pt", torch_zip_bad_crc, [M("ARC001"), C("PKL001")]),
    Fixture("pytorch/ARC002_local_central_name_mismatch.pt", torch_zip_name_mismatch, [M("ARC002"), C("PKL001")]),
    Fixture("pytorch/ARC003_duplicate_data_pkl.pt", torch_zip_duplicate_member, [M("ARC003"), C("PKL001")]),
    Fixture("pytorch/ARC004_encryption_flag_plain_data.pt", torch_zip_encryption_flag, [M("ARC004"), C("PKL001")]),
    Fixture("pytorch/PKL001_legacy_model_pickle_payload.pt", legacy_model_payload, [C("PKL001")]),
    Fixture("pytorch/PKL001_legacy_appended_pickle.pt", legacy_appended_pickle, [C("PKL001")]),
    Fixture("pytorch/PT003_legacy_magic_eval.pt", legacy_eval_magic, [M("PT003"), C("PKL001")]),
    Fixture("pytorch/PKL001_legacy_tar_pickle_member.pt", legacy_tar_malicious, [C("PKL001")]),
    Fixture(
        "pytorch/PT001_torchscript_import_os_system.pt", lambda: torchscript_archive(TS_IMPORT_OS_BODY), [C("PT001")]
    ),
    Fixture(
        "pytorch/PT001_torchscript_custom_op_namespace.pt", lambda: torchscript_archive(TS_CUSTOM_OP_BODY), [M("PT001")]
    ),
    Fixture("pytorch/PKL001_zip_in_zip.zip", zip_in_zip, [C("PKL001")]),
    Fixture("pytorch/PT004_storage_shorter_than_declared.pt", torch_zip_storage_short, [H("PT004")]),
    Fixture("pickle/ARC006_pickle_then_zip_polyglot.pkl", pickle_zip_polyglot, [M("ARC006"), C("PKL001")]),
    # ---- benign/ -----------------------------------------------------------
    Fixture("benign/torch_zip_state_dict_mlp.pt", benign_torch_zip_state_dict, BENIGN),
    Fixture("benign/torch_zip_storage_record_like_pickle.pt", benign_torch_zip_record_like_pickle, BENIGN),
    Fixture("benign/torch_zip_full_module_sequential.pt", benign_torch_zip_full_module, BENIGN),
    Fixture("benign/torch_zip_full_module_model_zoo.pt", benign_torch_zip_model_zoo, BENIGN),
    Fixture("benign/torch_legacy_state_dict.pt", benign_legacy, BENIGN),
    Fixture("benign/torch_legacy_tar_state_dict.pt", benign_legacy_tar, BENIGN),
    Fixture("benign/torchscript_mlp.pt", lambda: torchscript_archive(TS_BENIGN_BODY), BENIGN),
    *[Fixture(f"benign/plain_data_protocol{p}.pkl", benign_plain(p), BENIGN) for p in range(6)],
    Fixture("benign/protocol5_out_of_band_buffers.pkl", benign_out_of_band, BENIGN),
    Fixture("benign/numpy_arrays_protocol2.pkl", benign_numpy(2), BENIGN, requires=("numpy",)),
    Fixture("benign/numpy_arrays_protocol5.pkl", benign_numpy(5), BENIGN, requires=("numpy",)),
    Fixture("benign/numpy_arrays_numpy1_core_spelling.pkl", benign_numpy1_spelling, BENIGN, requires=("numpy",)),
    Fixture("benign/numpy_arrays_protocol5_out_of_band.pkl", benign_numpy_out_of_band, BENIGN, requires=("numpy",)),
    Fixture("benign/sklearn_pipeline_protocol4.pkl", benign_sklearn_pipeline(4), BENIGN, requires=("numpy", "sklearn")),
    Fixture("benign/sklearn_pipeline_protocol5.pkl", benign_sklearn_pipeline(5), BENIGN, requires=("numpy", "sklearn")),
    Fixture("benign/sklearn_random_forest_protocol4.pkl", benign_sklearn_forest, BENIGN, requires=("numpy", "sklearn")),
]


# ---------------------------------------------------------------------------
# Static global listing (for benign-globals.tsv and self-checks)
# ---------------------------------------------------------------------------

_STRING_OPS = {
    "STRING",
    "BINSTRING",
    "SHORT_BINSTRING",
    "UNICODE",
    "BINUNICODE",
    "SHORT_BINUNICODE",
    "BINUNICODE8",
}


def stream_globals(data: bytes, start: int = 0) -> tuple[set[tuple[str, str]], int]:
    """(module, name) pairs a pickle stream imports, and the offset past its STOP.

    A small abstract interpreter over pickletools.genops: it tracks strings
    through the stack and memo so STACK_GLOBAL operands resolve.  It never
    imports or calls anything.
    """
    mark = object()
    stack: list = []
    memo: dict[int, object] = {}
    found: set[tuple[str, str]] = set()
    f = io.BytesIO(data)
    f.seek(start)
    end = None
    for op, arg, pos in pickletools.genops(f):
        name = op.name
        if name in ("GLOBAL", "INST"):
            module, attr = arg.split(" ", 1)
            found.add((module, attr))
        if name == "STACK_GLOBAL":
            attr = stack.pop()
            module = stack.pop()
            found.add((module if isinstance(module, str) else "?", attr if isinstance(attr, str) else "?"))
            stack.append(None)
        elif name in _STRING_OPS:
            stack.append(arg)
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = stack[-1]
        elif name == "MEMOIZE":
            memo[len(memo)] = stack[-1]
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(memo.get(arg))
        elif name == "MARK":
            stack.append(mark)
        elif name == "STOP":
            end = pos + 1
            break
        else:
            before = op.stack_before
            if pickletools.markobject in before:
                while stack.pop() is not mark:
                    pass
                for _ in range(before.index(pickletools.markobject)):
                    stack.pop()
            else:
                for _ in before:
                    stack.pop()
            stack.extend([None] * len(op.stack_after))
    assert end is not None
    return found, end


def all_streams_globals(data: bytes) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    pos = 0
    while pos < len(data):
        g, pos = stream_globals(data, pos)
        found |= g
    return found


def benign_fixture_globals(path: str, data: bytes) -> set[tuple[str, str]]:
    """Globals referenced by every pickle stream inside a benign fixture."""
    if data[:4] == b"PK\x03\x04":
        found: set[tuple[str, str]] = set()
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                blob = zf.read(info)
                if info.filename.endswith((".pkl", ".debug_pkl")):
                    found |= all_streams_globals(blob)
        return found
    if data[257:262] == b"ustar":
        found = set()
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            parts = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
        found |= all_streams_globals(parts["sys_info"]) | all_streams_globals(parts["pickle"])
        # tensors: count, then (pickle + int64 ndim + sizes + strides + offset) per tensor
        blob = parts["tensors"]
        g, pos = stream_globals(blob)
        found |= g
        for _ in range(len(MLP_SHAPES)):
            g, pos = stream_globals(blob, pos)
            found |= g
            (ndim,) = struct.unpack_from("<q", blob, pos)
            pos += 8 + 16 * ndim + 8
        assert pos == len(blob)
        # storages: count, then (pickle + int64 numel + float32 data), then views
        blob = parts["storages"]
        g, pos = stream_globals(blob)
        found |= g
        for _ in range(len(MLP_SHAPES)):
            g, pos = stream_globals(blob, pos)
            found |= g
            (numel,) = struct.unpack_from("<q", blob, pos)
            pos += 8 + 4 * numel
        g, pos = stream_globals(blob, pos)
        assert pos == len(blob)
        return found | g
    if path.startswith("benign/torch_legacy"):
        found = set()
        pos = 0
        for _ in range(5):  # magic, protocol, sys_info, model, storage keys
            g, pos = stream_globals(data, pos)
            found |= g
        return found
    return all_streams_globals(data)


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------


def available(modules: Iterable[str]) -> bool:
    for m in modules:
        try:
            __import__(m)
        except ImportError:
            return False
    return True


MANIFEST_HEADER = """\
# SentraScan-Model fixture expectations.  GENERATED by
# testdata/gen/generate_pickle_fixtures.py -- edit the FIXTURES table there.
#
# Format: relative/path<TAB>RULE_CODE<TAB>SEVERITY, paths relative to testdata/.
# A fixture with several expected findings has several lines.  "-<TAB>-"
# means benign: the scanner must report no finding above LOW.
"""


def build_all(selected: list[Fixture]) -> dict[str, bytes]:
    out = {}
    for fx in selected:
        data = fx.build()
        assert isinstance(data, bytes) and data, fx.path
        out[fx.path] = data
    return out


def manifest_text() -> str:
    lines = [MANIFEST_HEADER]
    for fx in sorted(FIXTURES, key=lambda f: f.path):
        if fx.note:
            lines.append(f"# {fx.path}: {fx.note}\n")
        for code, severity in sorted(set(fx.expect)):
            lines.append(f"{fx.path}\t{code}\t{severity}\n")
    return "".join(lines)


def benign_globals_text(files: dict[str, bytes]) -> str:
    lines = [
        "# Distinct (module, name) globals referenced by each benign fixture, found\n"
        "# statically (pickletools).  GENERATED by testdata/gen/generate_pickle_fixtures.py.\n"
        "# The scanner's safe list must cover every row for the benign fixtures to pass.\n"
        "# path<TAB>module<TAB>name\n"
    ]
    for path in sorted(files):
        for module, name in sorted(benign_fixture_globals(path, files[path])):
            lines.append(f"{path}\t{module}\t{name}\n")
    return "".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="regenerate in memory and compare with files on disk")
    args = parser.parse_args()

    selected = []
    skipped = []
    for fx in FIXTURES:
        (selected if available(fx.requires) else skipped).append(fx)
    generated = build_all(selected)
    generated["expected.tsv"] = manifest_text().encode()

    # benign-globals.tsv is computed from the bytes (fresh or committed).
    benign_bytes = {}
    for fx in FIXTURES:
        if fx.expect == BENIGN:
            if fx.path in generated:
                benign_bytes[fx.path] = generated[fx.path]
            elif (TESTDATA / fx.path).exists():
                benign_bytes[fx.path] = (TESTDATA / fx.path).read_bytes()
    generated["benign-globals.tsv"] = benign_globals_text(benign_bytes).encode()

    for fx in skipped:
        print(f"note: {fx.path} not regenerated (needs {', '.join(fx.requires)}); keeping committed file")

    if args.check:
        bad = 0
        for rel, data in sorted(generated.items()):
            p = TESTDATA / rel
            if not p.exists() or p.read_bytes() != data:
                print(f"DIFFERS: {rel}")
                bad += 1
        for fx in skipped:
            if not (TESTDATA / fx.path).exists():
                print(f"MISSING: {fx.path}")
                bad += 1
        print(f"{len(generated) - bad} identical, {bad} differ")
        return 1 if bad else 0

    for rel, data in sorted(generated.items()):
        p = TESTDATA / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    missing = [fx.path for fx in skipped if not (TESTDATA / fx.path).exists()]
    known = {fx.path for fx in FIXTURES}
    for sub in ("pickle", "pytorch", "benign"):
        for p in sorted((TESTDATA / sub).rglob("*")):
            rel = p.relative_to(TESTDATA).as_posix()
            if p.is_file() and rel not in known:
                print(f"warning: stale file not in the fixture table: {rel}")
    print(f"wrote {len(generated)} files under {TESTDATA}")
    if missing:
        print("error: missing optional fixtures: " + ", ".join(missing))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
