#!/usr/bin/env python3
"""Fixtures for the legacy serialisation formats: R (`.rds`, `.RData`),
Lua Torch7 (`.t7`), dill pickles, CNTK v2 models and MXNet symbol/params.

Writes testdata/{r,torch7,dill,cntk,mxnet}/ and testdata/expected-legacy.tsv.

Real libraries where they can run here:
- R (Debian `r-base-core` 4.2.2, `Rscript`) writes the benign R files and the
  closures that call `system` (writing a closure never runs it). Skipped with
  a message when `Rscript` is missing: the committed files stay.
- Lua 5.1 (`lua5.1`) dumps the byte code of the Torch7 function fixture with
  `string.dump` (dumping never runs it); a fixed byte-code-like blob is used
  when it is missing. Torch7 itself cannot be installed on a modern system:
  the `.t7` files are written here following torch7's `File.lua`.
- dill (pinned 0.4.1) pickles a lambda (pickling never runs it, and nothing
  here ever unpickles) and a training script's data-only state; the attacks
  on dill's own reconstructors are written opcode by opcode.
- CNTK is not installable on a current Python: the `.model` files are
  protobuf `Dictionary` messages encoded by hand following `CNTK.proto`.
- MXNet's formats are written from their documented layout
  (`Symbol.tojson`, `NDArray` list magic 0x112).

Unforced R promises (CVE-2024-27322) are written by hand following the
published proof of concept. Payloads are inert (`echo sentrascan-fixture`).
Run from the repository root: python3 testdata/gen/generate_legacy_fixtures.py
"""

import gzip
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CMD = "echo sentrascan-fixture"
MANIFEST = []


def out(rel, data, *expect):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    record(rel, *expect)


def write(rel, data):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def record(rel, *expect):
    if not expect:
        MANIFEST.append(f"{rel}\t-\t-")
    for rule, sev in expect:
        MANIFEST.append(f"{rel}\t{rule}\t{sev}")


def gz(data):
    return gzip.compress(data, mtime=0)


# ---------------------------------------------------------------- R (XDR)

class R:
    """An XDR serialisation stream, version 3, as R 4.2.2 writes it."""

    def __init__(self):
        self.b = bytearray(b"X\n")
        self.i(3).i(0x040202).i(0x030500).i(5)
        self.b += b"UTF-8"

    def i(self, v):
        self.b += struct.pack(">i", v)
        return self

    def chars(self, s):
        s = s.encode()
        self.i(0x40009).i(len(s))
        self.b += s
        return self

    def sym(self, s):
        return self.i(1).chars(s)

    def strvec(self, *items):
        self.i(16).i(len(items))
        for s in items:
            self.chars(s)
        return self

    def call(self, fun, *string_args):
        """LANGSXP fun(arg, ...) with character arguments."""
        self.i(6).sym(fun)
        for a in string_args:
            self.i(2).strvec(a)
        return self.i(254)

    def promise(self):
        """An unforced promise: environment R_GlobalEnv, value unbound."""
        return self.i(5 | (1 << 10)).i(253).i(252)


def r_fixtures():
    # Unforced promise whose expression is system("echo …"): the PoC shape.
    p = R()
    p.promise().call("system", CMD)
    out("r/RDS001_promise_system.rds", bytes(p.b), ("RDS001", "CRITICAL"))
    out("r/RDS001_promise_system_gzip.rds", gz(bytes(p.b)), ("RDS001", "CRITICAL"))

    # The same promise as the value of a workspace variable.
    w = R()
    w.i(2 | (1 << 10)).sym("model")
    w.promise().call("system", CMD)
    w.i(254)
    out("r/RDS001_promise_in_workspace.RData", gz(b"RDX3\n" + bytes(w.b)),
        ("RDS001", "CRITICAL"))

    # ASCII encoding: base::system via `::`, inside a promise.
    lines = ["A", "3", str(0x040202), str(0x030500), "5", "UTF-8"]
    lines += [str(5 | (1 << 10)), "253", "252"]
    lines += ["6", "6", "1", "262153", "2", "::", "2", "1", "262153", "4", "base",
              "2", "1", "262153", "6", "system", "254"]
    lines += ["2", "16", "1", "262153", str(len(CMD)), CMD.replace(" ", "\\040"), "254"]
    out("r/RDS001_promise_ascii.rds", ("\n".join(lines) + "\n").encode(),
        ("RDS001", "CRITICAL"))

    # ALTREP object of a class from a package other than base.
    a = R()
    a.i(238)
    a.i(2).sym("evil_vector").i(2).sym("evilpkg").i(2).i(13).i(1).i(13).i(254)
    a.i(13).i(1).i(7)  # state
    a.i(254)  # attributes
    out("r/RDS003_altrep_package_class.rds", bytes(a.b), ("RDS003", "MEDIUM"))

    # A plain vector with a shell script after the end of the stream.
    t = R()
    t.i(14).i(2)
    t.b += struct.pack(">dd", 1.5, 2.5)
    out("r/RDS004_trailing_data.rds", bytes(t.b) + f"\n#!/bin/sh\n{CMD}\n".encode(),
        ("RDS004", "MEDIUM"))

    rscript = shutil.which("Rscript")
    if not rscript:
        print("Rscript not found: the R-written fixtures are left as committed", file=sys.stderr)
        for rel, exp in R_WRITTEN:
            record(rel, *exp)
        return
    d = os.path.join(ROOT, "r")
    script = f"""
set.seed(1)
df <- data.frame(x = c(1.5, 2.5, 3.5), y = c("a", "b", "c"))
saveRDS(df, file.path("{d}", "benign_data_frame.rds"))
saveRDS(df, file.path("{d}", "benign_data_frame_uncompressed.rds"), compress = FALSE)
saveRDS(df, file.path("{d}", "benign_data_frame_ascii.rds"), ascii = TRUE, compress = FALSE)
saveRDS(df, file.path("{d}", "benign_data_frame_xz.rds"), compress = "xz")
fit <- lm(mpg ~ wt + hp, data = mtcars)
saveRDS(fit, file.path("{d}", "benign_lm_model.rds"))
gfit <- glm(am ~ wt, data = mtcars, family = binomial())
saveRDS(gfit, file.path("{d}", "benign_glm_model.rds"))
saveRDS(1:10, file.path("{d}", "benign_compact_sequence.rds"), compress = FALSE)
save(df, fit, file = file.path("{d}", "benign_workspace.RData"))
f <- function(x) system("{CMD}")
saveRDS(f, file.path("{d}", "RDS002_closure_system.rds"))
saveRDS(compiler::cmpfun(f), file.path("{d}", "RDS002_bytecode_system.rds"), compress = FALSE)
"""
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as s:
        s.write(script)
    try:
        subprocess.run([rscript, "--vanilla", s.name], check=True,
                       env={**os.environ, "TZ": "UTC", "LC_ALL": "C"})
    finally:
        os.unlink(s.name)
    for rel, exp in R_WRITTEN:
        record(rel, *exp)


R_WRITTEN = [
    ("r/benign_data_frame.rds", ()),
    ("r/benign_data_frame_uncompressed.rds", ()),
    ("r/benign_data_frame_ascii.rds", ()),
    ("r/benign_data_frame_xz.rds", ()),
    ("r/benign_lm_model.rds", ()),
    ("r/benign_glm_model.rds", ()),
    ("r/benign_compact_sequence.rds", ()),
    ("r/benign_workspace.RData", ()),
    ("r/RDS002_closure_system.rds", (("RDS002", "HIGH"),)),
    ("r/RDS002_bytecode_system.rds", (("RDS002", "HIGH"),)),
]


# ---------------------------------------------------------------- Torch7

class T7:
    """A binary torch7 File (little-endian, 8-byte longs)."""

    def __init__(self):
        self.b = bytearray()
        self.next = 0

    def i(self, v):
        self.b += struct.pack("<i", v)
        return self

    def long(self, v):
        self.b += struct.pack("<q", v)
        return self

    def string(self, s):
        s = s.encode() if isinstance(s, str) else s
        self.i(2).i(len(s))
        self.b += s
        return self

    def raw(self, s):
        self.i(len(s))
        self.b += s
        return self

    def index(self):
        self.next += 1
        return self.next

    def number(self, v):
        self.i(1)
        self.b += struct.pack("<d", v)
        return self

    def torch(self, cls):
        self.i(4).i(self.index()).raw(b"V 1").raw(cls.encode())
        return self

    def table(self, n):
        return self.i(3).i(self.index()).i(n)

    def float_tensor(self, values):
        self.torch("torch.FloatTensor")
        self.i(1).long(len(values)).long(1).long(1)
        self.torch("torch.FloatStorage").long(len(values))
        self.b += struct.pack(f"<{len(values)}f", *values)
        return self

    def module(self, cls, extra=None):
        """An nn module: a torch object whose fields are a table."""
        fields = 2 + (1 if extra else 0)
        self.torch(cls).table(fields)
        self.string("weight").float_tensor([0.5, -0.5, 0.25, 1.0])
        self.string("bias").float_tensor([0.0, 0.1])
        if extra:
            extra(self)
        return self


def lua_bytecode():
    lua = shutil.which("lua5.1")
    if lua:
        code = f'io.write(string.dump(function() os.execute("{CMD}") end))'
        return subprocess.run([lua, "-e", code], check=True, capture_output=True).stdout
    print("lua5.1 not found: a fixed byte-code-like blob is used", file=sys.stderr)
    return b"\x1bLuaQ\x00\x01\x04\x08\x04\x08\x00os\x00execute\x00" + CMD.encode() + b"\x00"


def torch7_fixtures():
    out("torch7/benign_linear.t7", bytes(T7().module("nn.Linear").b))

    seq = T7()
    seq.torch("nn.Sequential").table(1).string("modules").table(2)
    seq.number(1).module("nn.Linear")
    seq.number(2).torch("nn.ReLU").table(1).string("inplace").i(5).i(0)
    out("torch7/benign_sequential.t7", bytes(seq.b))

    ascii_lines = ["4", "1", "3", "V 1", "18", "torch.DoubleTensor", "1", "3", "1", "1",
                   "4", "2", "3", "V 1", "19", "torch.DoubleStorage", "3", "0.5 1.5 2.5"]
    out("torch7/benign_ascii.t7", ("\n".join(ascii_lines) + "\n").encode())

    code = lua_bytecode()

    def hook(t):
        t.string("updateOutput").i(7).i(t.index()).raw(code)
        t.table(0)  # upvalues

    out("torch7/LUA001_function_os_execute.t7", bytes(T7().module("nn.Linear", hook).b),
        ("LUA001", "CRITICAL"))
    out("torch7/LUA002_unknown_class.t7", bytes(T7().module("evilpkg.Loader").b),
        ("LUA002", "MEDIUM"))
    out("torch7/LUA003_trailing_data.t7",
        bytes(T7().module("nn.Linear").b) + f"#!/bin/sh\n{CMD}\n".encode(),
        ("LUA003", "MEDIUM"))


# ---------------------------------------------------------------- dill

def dill_fixtures():
    try:
        import dill  # noqa: F401
    except ImportError:
        print("dill not installed: the dill fixtures are left as committed", file=sys.stderr)
        record(*DILL_FIXTURE)
        record(DILL_BENIGN)
        dill_attacks()
        return
    import dill

    payload = eval("lambda: __import__('os').system('%s')" % CMD)  # built, never called
    data = dill.dumps(payload, protocol=4, recurse=False)
    out(DILL_FIXTURE[0], data, *DILL_FIXTURE[1:])
    out(DILL_BENIGN, dill.dumps(dill_training_state(), protocol=4))
    dill_attacks()


def dill_training_state():
    """What `dill.dump` of a training script's state writes: an instance of
    a class defined in `__main__` (rebuilt by value with `_create_type`,
    `_load_type` and `setattr(cls, '__qualname__', ...)`), the class itself,
    namedtuples from `__main__` (`_create_namedtuple`), a lock, `NoneType`
    and builtin types. Data only: no function, no code object."""
    import collections
    import threading

    TrainingConfig = type("TrainingConfig", (), {
        "__module__": "__main__", "learning_rate": 3e-4,
        "hidden_sizes": [256, 128], "optimizer": "adamw"})
    Checkpoint = collections.namedtuple("Checkpoint", "epoch step loss", module="__main__")
    cfg = TrainingConfig()
    cfg.epochs, cfg.seed = 10, 1234
    return {"config": cfg, "config_class": TrainingConfig,
            "last": Checkpoint(3, 1500, 0.42),
            "history": [Checkpoint(1, 500, 0.9), Checkpoint(2, 1000, 0.6)],
            "missing_value": type(None), "lock": threading.Lock(),
            "column_types": [int, float, str, dict]}


def dill_attacks():
    """dill's own reconstructors used as gadgets, written opcode by opcode
    (protocol 2, GLOBAL + REDUCE). dill is not needed to load them: they are
    what a loader with dill installed would run."""
    def glob(module, name):
        return b"c" + module.encode() + b"\n" + name.encode() + b"\n"

    def text(s):
        b = s.encode()
        return b"X" + struct.pack("<I", len(b)) + b

    def call(callee, *args):
        return callee + b"(" + b"".join(args) + b"tR"

    def tup(*items):
        return b"(" + b"".join(items) + b"t"

    def stream(body):
        return b"\x80\x02" + body + b"."

    dill = "dill._dill"
    # `_create_namedtuple(name, fields, module)` first imports `module.name`.
    out("dill/PKL001_dill_namedtuple_resolves_os_system.pkl",
        stream(call(call(glob(dill, "_create_namedtuple"), text("system"), tup(text("x")), text("os")),
                    text(CMD))),
        ("PKL001", "CRITICAL"))
    # `_load_type` looks names up in a table that holds CodeType and FunctionType.
    out("dill/PKL001_dill_load_type_code_type.pkl",
        stream(call(call(glob(dill, "_load_type"), text("CodeType")), b"K\x00", b"K\x00",
                    text(CMD))),
        ("PKL001", "CRITICAL"))
    # `_create_type(typeobj, *args)` is `typeobj(*args)`: any callable.
    out("dill/PKL001_dill_create_type_calls_os_system.pkl",
        stream(call(glob(dill, "_create_type"), glob("os", "system"), text(CMD))),
        ("PKL001", "CRITICAL"))
    # `_create_array(f, args, state)` is `f(*args)` followed by `__setstate__`.
    out("dill/PKL001_dill_create_array_calls_eval.pkl",
        stream(call(glob(dill, "_create_array"), glob("builtins", "eval"),
                    tup(text("__import__('os').system('%s')" % CMD)), b"N")),
        ("PKL001", "CRITICAL"))
    # `_get_attr(obj, name)` falls back to `getattr(builtins, name)`.
    out("dill/PKL001_dill_get_attr_falls_back_to_builtins_eval.pkl",
        stream(call(call(glob(dill, "_get_attr"), b"}", text("eval")),
                    text("__import__('os').system('%s')" % CMD))),
        ("PKL001", "CRITICAL"))
    # `setattr` is inert only on the pickle's own objects: here it patches a library class.
    out("dill/PKL001_setattr_patches_library_class.pkl",
        stream(call(glob("builtins", "setattr"), glob("logging", "Logger"), text("disabled"),
                    b"\x88")),
        ("PKL001", "CRITICAL"), ("PKL002", "MEDIUM"))
    # An inert-looking `setattr` that is also handed to another callable.
    out("dill/PKL001_setattr_passed_on_as_a_value.pkl",
        stream(b"(" + call(call(glob(dill, "_create_namedtuple"), text("P"), tup(text("x")),
                                text("__main__")),
                           b"K\x01") + b"p0\n0"
               + call(glob("builtins", "setattr"), b"g0\n", text("x"), b"K\x02")
               + b"0" + call(glob("functools", "partial"), glob("builtins", "setattr"), b"g0\n")
               + b"l"),
        ("PKL001", "CRITICAL"))


DILL_FIXTURE = ("dill/PKL001_dill_lambda_os_system.pkl", ("PKL001", "CRITICAL"))
DILL_BENIGN = "dill/benign_dill_training_state.pkl"


# ---------------------------------------------------------------- CNTK

def varint(n):
    b = bytearray()
    while True:
        c = n & 0x7F
        n >>= 7
        if n:
            b.append(c | 0x80)
        else:
            b.append(c)
            return bytes(b)


def field(num, wire, payload):
    key = varint(num << 3 | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload


def dv(kind, value):
    """DictionaryValue: version 1, value_type, one value field."""
    types = {"bool": (1, 3, 0), "sizet": (3, 5, 0), "string": (6, 8, 2),
             "vector": (9, 11, 2), "dict": (10, 12, 2), "array": (11, 13, 2),
             "shape": (7, 9, 2)}
    t, num, wire = types[kind]
    if kind == "string":
        value = value.encode()
    elif kind == "bool":
        value = int(value)
    return field(1, 0, 1) + field(2, 0, t) + field(num, wire, value)


def dictionary(entries):
    body = field(1, 0, 1)
    for k in sorted(entries):
        entry = field(1, 2, k.encode()) + field(2, 2, entries[k])
        body += field(2, 2, entry)
    return body


def vector(values):
    return b"".join(field(1, 2, v) for v in values)


def nd_array(values):
    shape = field(1, 2, b"".join(varint(d) for d in [len(values)]))
    floats = field(1, 2, struct.pack(f"<{len(values)}f", *values))
    return field(1, 0, 1) + field(2, 0, 0) + field(3, 2, shape) + field(4, 2, floats)


def cntk_model(functions):
    param = dictionary({
        "type": dv("string", "Variable"), "uid": dv("string", "Parameter3"),
        "kind": dv("sizet", 2), "name": dv("string", "W"),
        "value": dv("array", nd_array([0.5, -0.5, 0.25, 1.0])),
    })
    return dictionary({
        "type": dv("string", "CompositeFunction"),
        "uid": dv("string", "CompositeFunction7"),
        "name": dv("string", "model"),
        "root": dv("string", functions[-1][0]),
        "inputs": dv("vector", vector([dv("dict", param)])),
        "primitive_functions": dv("vector", vector([dv("dict", f[1]) for f in functions])),
        "version": dv("sizet", 1),
    })


def primitive(uid, op):
    return (uid, dictionary({
        "type": dv("string", "PrimitiveFunction"), "uid": dv("string", uid),
        "op": dv("sizet", op), "name": dv("string", ""),
        "inputs": dv("vector", vector([dv("string", "Parameter3")])),
        "attributes": dv("dict", dictionary({})),
    }))


def cntk_fixtures():
    out("cntk/benign_composite.model", cntk_model([primitive("Times5", 16), primitive("Plus6", 19)]))
    udf = ("UserFunction8", dictionary({
        "type": dv("string", "UserDefinedFunction"), "uid": dv("string", "UserFunction8"),
        "name": dv("string", "payload"), "op_name": dv("string", "PayloadOp"),
        "module": dv("string", "sentrascan_fixture_udf"), "class": dv("string", "PayloadOp"),
        "state": dv("dict", dictionary({"note": dv("string", "inert fixture")})),
    }))
    out("cntk/CNT001_python_udf.model", cntk_model([primitive("Times5", 16), udf]),
        ("CNT001", "HIGH"))
    native = ("UserFunction9", dictionary({
        "type": dv("string", "UserDefinedFunction"), "uid": dv("string", "UserFunction9"),
        "native": dv("bool", True), "op_name": dv("string", "FastOp"),
        "module": dv("string", "sentrascan_fixture_ops.dll"),
        "factory_method": dv("string", "CreateFastOp"),
    }))
    out("cntk/CNT002_native_udf_library.model", cntk_model([native]),
        ("CNT001", "HIGH"), ("CNT002", "MEDIUM"))
    v1 = "BCN\0BVersion\0".encode("utf-16-le") + struct.pack("<Q", 26)
    v1 += "EVersion\0".encode("utf-16-le")
    # Recognised but not analysed: the scan is inconclusive, so the file is
    # checked by crates/core/tests/legacy_formats.rs, not by the manifest.
    write("cntk/v1_brainscript_inconclusive.model", v1)


# ---------------------------------------------------------------- MXNet

def mx_node(op, name, inputs=(), attrs=None):
    n = {"op": op, "name": name, "inputs": [[i, 0, 0] for i in inputs]}
    if attrs:
        n["attrs"] = attrs
    return n


def mx_symbol(nodes):
    doc = {
        "nodes": nodes,
        "arg_nodes": [i for i, n in enumerate(nodes) if n["op"] == "null"],
        "node_row_ptr": list(range(len(nodes) + 1)),
        "heads": [[len(nodes) - 1, 0, 0]],
        "attrs": {"mxnet_version": ["int", 10901]},
    }
    return json.dumps(doc, indent=2).encode()


def mx_params(arrays, names, extra=b""):
    b = struct.pack("<QQQ", 0x112, 0, len(arrays))
    for shape, values in arrays:
        b += struct.pack("<Ii", 0xF993FAC9, 0) + struct.pack("<i", len(shape))
        b += struct.pack(f"<{len(shape)}q", *shape) + struct.pack("<iii", 1, 0, 0)
        b += struct.pack(f"<{len(values)}f", *values)
    b += struct.pack("<Q", len(names))
    for n in names:
        b += struct.pack("<Q", len(n)) + n.encode()
    return b + extra


def mxnet_fixtures():
    base = [
        mx_node("null", "data"),
        mx_node("null", "fc1_weight"),
        mx_node("null", "fc1_bias"),
        mx_node("FullyConnected", "fc1", [0, 1, 2], {"num_hidden": "2"}),
        mx_node("Activation", "relu1", [3], {"act_type": "relu"}),
        mx_node("SoftmaxOutput", "softmax", [4]),
    ]
    out("mxnet/benign_mlp-symbol.json", mx_symbol(base))
    custom = base[:5] + [mx_node("Custom", "payload", [4], {"op_type": "sentrascan_fixture_op"})]
    out("mxnet/MXN001_custom_op-symbol.json", mx_symbol(custom), ("MXN001", "HIGH"))
    unknown = base[:5] + [mx_node("VendorFastSoftmax", "softmax", [4])]
    out("mxnet/MXN002_unknown_op-symbol.json", mx_symbol(unknown), ("MXN002", "MEDIUM"))
    payload = base[:3] + [mx_node("FullyConnected", "fc1", [0, 1, 2], {
        "num_hidden": "2", "__init__": f"__import__('os').system('{CMD}')"})] + base[4:]
    out("mxnet/MXN003_attribute_code-symbol.json", mx_symbol(payload), ("MXN003", "HIGH"))
    broken = base[:5] + [mx_node("SoftmaxOutput", "softmax", [42])]
    out("mxnet/MXN004_input_outside_graph-symbol.json", mx_symbol(broken), ("MXN004", "MEDIUM"))

    arrays = [((2, 2), [0.5, -0.5, 0.25, 1.0]), ((2,), [0.0, 0.1])]
    names = ["arg:fc1_weight", "arg:fc1_bias"]
    out("mxnet/benign_mlp-0000.params", mx_params(arrays, names))
    oob = bytearray(mx_params(arrays, names))
    # Claim a 2^20 x 2^20 first array: its data runs far past the end.
    struct.pack_into("<qq", oob, 8 * 3 + 12, 1 << 20, 1 << 20)
    out("mxnet/MXN004_array_out_of_bounds-0000.params", bytes(oob), ("MXN004", "MEDIUM"))
    out("mxnet/MXN005_trailing_data-0000.params",
        mx_params(arrays, names, f"#!/bin/sh\n{CMD}\n".encode()), ("MXN005", "MEDIUM"))


def main():
    r_fixtures()
    torch7_fixtures()
    dill_fixtures()
    cntk_fixtures()
    mxnet_fixtures()
    header = ("# Legacy serialisation fixtures (R, Torch7, dill, CNTK, MXNet). GENERATED by\n"
              "# testdata/gen/generate_legacy_fixtures.py; do not edit by hand.\n")
    with open(os.path.join(ROOT, "expected-legacy.tsv"), "w") as f:
        f.write(header + "\n".join(MANIFEST) + "\n")


if __name__ == "__main__":
    main()
