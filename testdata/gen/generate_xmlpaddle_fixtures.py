"""Fixtures for XML, OpenVINO IR, PMML, PaddlePaddle and skops.

Run from the repository root with the pinned packages (a venv):
    pip install -r testdata/gen/requirements-xmlpaddle.txt
    FLAGS_enable_pir_api=0 python testdata/gen/generate_xmlpaddle_fixtures.py

Benign files are made by the real libraries (OpenVINO's `save_model`,
Paddle's `jit.save`/`save`, skops' `dump`), except PMML, which is written
by hand in the shape sklearn2pmml produces (its converter needs Java).
Malicious files are those benign files with one technique added; every
payload is inert (`echo sentrascan-fixture`, URLs to 127.0.0.1:9).
Output is deterministic: zip members get a fixed date, skops' id-based
member names are renumbered.
"""
import io
import json
import os
import pathlib
import pickle
import shutil
import struct
import sys
import tempfile
import zipfile

os.environ.setdefault("FLAGS_enable_pir_api", "0")

ROOT = pathlib.Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "expected-xmlpaddle.tsv"
rows = []


def out(rel: str, data: bytes, rule: str = "-", sev: str = "-", why: str = "") -> None:
    p = ROOT / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    record(rel, rule, sev, why)


def record(rel: str, rule: str = "-", sev: str = "-", why: str = "") -> None:
    if why:
        rows.append(f"# {rel}: {why}")
    for r, s in zip(rule.split(","), sev.split(",")):
        rows.append(f"{rel}\t{r}\t{s}")


# --------------------------------------------------------------------- XML
XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


def xml_fixtures() -> None:
    out("xml/benign_config.xml", (XML_DECL + """<config version="2">
  <!-- a plain configuration document -->
  <model name="classifier" threshold="0.5">
    <label id="0">cat</label>
    <label id="1">dog &amp; wolf</label>
    <notes><![CDATA[trained on <public> data]]></notes>
  </model>
</config>
""").encode(), why="plain XML with a comment, CDATA and predefined entities")
    out("xml/XML001_external_entity.xml", (XML_DECL + """<!DOCTYPE config [
  <!ENTITY secret SYSTEM "file:///etc/hostname">
]>
<config><name>&secret;</name></config>
""").encode(), "XML001", "HIGH", "classic XXE: a SYSTEM entity read into the content")
    out("xml/XML001_external_dtd.xml", (XML_DECL + """<!DOCTYPE config PUBLIC "-//SentraScan//Fixture//EN" "http://127.0.0.1:9/fixture.dtd">
<config><name>x</name></config>
""").encode(), "XML001", "HIGH", "an external DTD fetched by validating parsers")
    lol = ['<!ENTITY l0 "sentrascan">']
    for i in range(1, 8):
        lol.append(f'<!ENTITY l{i} "' + f"&l{i-1};" * 10 + '">')
    out("xml/XML002_billion_laughs.xml", (XML_DECL + "<!DOCTYPE r [\n  " + "\n  ".join(lol) + "\n]>\n<r>&l7;</r>\n").encode(),
        "XML002", "HIGH", "seven levels of tenfold entities (100 MB expanded)")
    out("xml/XML002_nested_entities.xml", (XML_DECL + """<!DOCTYPE r [
  <!ENTITY org "SentraScan">
  <!ENTITY title "&org; fixture">
]>
<r>&title;</r>
""").encode(), "XML002", "MEDIUM", "a small entity nested in another")
    out("xml/XML003_parameter_entity.xml", (XML_DECL + """<!DOCTYPE r [
  <!ENTITY % decl "<!ENTITY greeting 'hello'>">
  %decl;
]>
<r>&greeting;</r>
""").encode(), "XML003", "MEDIUM", "an internal parameter entity that declares an entity")
    out("xml/XML004_xinclude.xml", (XML_DECL + """<config xmlns:xi="http://www.w3.org/2001/XInclude">
  <xi:include href="file:///etc/hostname" parse="text"/>
</config>
""").encode(), "XML004", "HIGH", "XInclude of a local file as text")
    out("xml/XML005_xml_stylesheet.xml", (XML_DECL + """<?xml-stylesheet type="text/xsl" href="http://127.0.0.1:9/fixture.xsl"?>
<config><name>x</name></config>
""").encode(), "XML005", "MEDIUM", "an XSLT stylesheet processing instruction")
    out("xml/XML006_malformed.xml", (XML_DECL + """<config><model><name>x</model></config>
""").encode(), "XML006", "MEDIUM", "mismatched end tag")


# ---------------------------------------------------------------- OpenVINO
def openvino_fixtures() -> None:
    import numpy as np
    import openvino as ov
    try:
        import openvino.opset13 as ops
    except ImportError:  # older layout
        from openvino.runtime import opset13 as ops

    x = ops.parameter([1, 4], np.float32, name="x")
    w = ops.constant(np.arange(8, dtype=np.float32).reshape(4, 2) / 8, name="w")
    y = ops.relu(ops.matmul(x, w, False, False))
    model = ov.Model([y], [x], "tiny_mlp")
    d = ROOT / "openvino"
    d.mkdir(parents=True, exist_ok=True)
    ov.save_model(model, str(d / "benign_tiny_mlp.xml"), compress_to_fp16=False)
    record("openvino/benign_tiny_mlp.xml", why=f"saved by openvino {ov.__version__} (opset1 layers, 32-byte .bin)")
    xml = (d / "benign_tiny_mlp.xml").read_text()
    binary = (d / "benign_tiny_mlp.bin").read_bytes()

    def variant(name: str, text: str, rule: str, sev: str, why: str, with_bin: bool = True) -> None:
        out(f"openvino/{name}.xml", text.encode(), rule, sev, why)
        if with_bin:
            (d / f"{name}.bin").write_bytes(binary)

    custom = xml.replace('name="Relu_5" type="ReLU" version="opset1"',
                         'name="Relu_5" type="SentrascanFixtureOp" version="sentrascan_extension"')
    assert custom != xml
    variant("OV001_custom_layer", custom, "OV001", "MEDIUM", "a layer from an extension library")
    oob = xml.replace('offset="0" size="32"', 'offset="16" size="4096"')
    assert oob != xml
    variant("OV002_const_out_of_bounds", oob, "OV002", "MEDIUM", "Const reads 4 KiB from a 32-byte .bin")
    path = custom.replace('<layer id="3" name="Relu_5" type="SentrascanFixtureOp" version="sentrascan_extension">',
                          '<layer id="3" name="Relu_5" type="SentrascanFixtureOp" version="sentrascan_extension">\n'
                          '\t\t\t<data library="/tmp/sentrascan-fixture/libfixture_ext.so" />')
    assert path != custom
    variant("OV003_layer_library_path", path, "OV003,OV001", "MEDIUM,MEDIUM",
            "an extension layer whose attribute names an absolute shared-library path")
    bad = xml.replace('offset="0" size="32"', 'offset="-8" size="32"')
    variant("OV004_const_bad_offset", bad, "OV004", "MEDIUM", "a negative Const offset")
    xxe = xml.replace('<?xml version="1.0"?>\n',
                      '<?xml version="1.0"?>\n<!DOCTYPE net [<!ENTITY host SYSTEM "file:///etc/hostname">]>\n', 1)
    xxe = xxe.replace('<net name="tiny_mlp"', '<net name="&host;"')
    assert "&host;" in xxe
    variant("XML001_openvino_xxe", xxe, "XML001", "HIGH", "an IR whose model name is an external entity")


# -------------------------------------------------------------------- PMML
PMML_BENIGN = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<PMML xmlns="http://www.dmg.org/PMML-4_4" xmlns:data="http://jpmml.org/jpmml-model/InlineTable" version="4.4">
\t<Header>
\t\t<Application name="SkLearn2PMML package" version="0.110.0"/>
\t\t<Timestamp>2026-01-01T00:00:00Z</Timestamp>
\t</Header>
\t<MiningBuildTask>
\t\t<Extension name="repr">PMMLPipeline(steps=[('classifier', LogisticRegression())])</Extension>
\t</MiningBuildTask>
\t<DataDictionary>
\t\t<DataField name="y" optype="categorical" dataType="integer">
\t\t\t<Value value="0"/>
\t\t\t<Value value="1"/>
\t\t</DataField>
\t\t<DataField name="x1" optype="continuous" dataType="double"/>
\t\t<DataField name="x2" optype="continuous" dataType="double"/>
\t</DataDictionary>
\t<TransformationDictionary>
\t\t<DefineFunction name="scale" optype="continuous" dataType="double">
\t\t\t<ParameterField name="v" optype="continuous" dataType="double"/>
\t\t\t<Apply function="/">
\t\t\t\t<FieldRef field="v"/>
\t\t\t\t<Constant dataType="double">2.0</Constant>
\t\t\t</Apply>
\t\t</DefineFunction>
\t\t<DerivedField name="x1s" optype="continuous" dataType="double">
\t\t\t<Apply function="scale">
\t\t\t\t<FieldRef field="x1"/>
\t\t\t</Apply>
\t\t</DerivedField>
\t</TransformationDictionary>
\t<RegressionModel functionName="classification" algorithmName="sklearn.linear_model._logistic.LogisticRegression" normalizationMethod="logit">
\t\t<MiningSchema>
\t\t\t<MiningField name="y" usageType="target"/>
\t\t\t<MiningField name="x1"/>
\t\t\t<MiningField name="x2"/>
\t\t</MiningSchema>
\t\t<Output>
\t\t\t<OutputField name="probability(0)" optype="continuous" dataType="double" feature="probability" value="0"/>
\t\t\t<OutputField name="probability(1)" optype="continuous" dataType="double" feature="probability" value="1"/>
\t\t</Output>
\t\t<RegressionTable intercept="-0.25" targetCategory="1">
\t\t\t<NumericPredictor name="x1" coefficient="0.75"/>
\t\t\t<NumericPredictor name="x2" coefficient="-0.5"/>
\t\t</RegressionTable>
\t\t<RegressionTable intercept="0.0" targetCategory="0"/>
\t</RegressionModel>
</PMML>
"""


def pmml_fixtures() -> None:
    out("pmml/benign_sklearn2pmml_logistic.pmml", PMML_BENIGN.encode(),
        why="PMML 4.4 as sklearn2pmml writes it (repr extension, DefineFunction, RegressionModel)")

    def variant(name, old, new, rule, sev, why):
        text = PMML_BENIGN.replace(old, new, 1)
        assert text != PMML_BENIGN, name
        out(f"pmml/{name}.pmml", text.encode(), rule, sev, why)

    variant("PMML001_extension_python",
            "\t<DataDictionary>",
            '\t<Extension name="postprocess" extender="fixture"><Script language="python">import os\nos.system("echo sentrascan-fixture")</Script></Extension>\n\t<DataDictionary>',
            "PMML001", "HIGH", "Python code in an extension")
    variant("PMML001_script_extension",
            "\t<DataDictionary>",
            '\t<Extension name="vendor-script" extender="fixture"><Groovy>return x1 * 2</Groovy></Extension>\n\t<DataDictionary>',
            "PMML001", "MEDIUM", "a vendor script extension with no call pattern")
    variant("PMML002_extension_url",
            "\t<DataDictionary>",
            '\t<Extension name="lookup" value="http://127.0.0.1:9/table.csv"/>\n\t<DataDictionary>',
            "PMML002", "MEDIUM", "an extension that names a URL")
    variant("PMML003_java_function",
            '<Apply function="scale">',
            '<Apply function="org.sentrascan.fixture.Exec">',
            "PMML003", "HIGH", "Apply names a Java class (JPMML user-defined function)")
    variant("PMML003_unknown_function",
            '<Apply function="scale">',
            '<Apply function="fixtureTransform">',
            "PMML003", "MEDIUM", "Apply names a function that is neither built in nor defined")
    variant("XML001_pmml_xxe",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE PMML [<!ENTITY x SYSTEM "file:///etc/hostname">]>\n',
            "XML001", "HIGH", "a PMML document declaring an external entity")


# ------------------------------------------------------------------ Paddle
def varint(v: int) -> bytes:
    v &= (1 << 64) - 1
    b = bytearray()
    while True:
        c = v & 0x7F
        v >>= 7
        if v:
            b.append(c | 0x80)
        else:
            b.append(c)
            return bytes(b)


def field(n: int, payload: bytes) -> bytes:
    return varint(n << 3 | 2) + varint(len(payload)) + payload


def read_varint(b: bytes, i: int):
    v = s = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << s
        s += 7
        if not c & 0x80:
            return v, i


def op_desc(kind: str, attrs: dict, inputs=(), outputs=()) -> bytes:
    o = b""
    for slot, args in inputs:
        o += field(1, field(1, slot.encode()) + b"".join(field(2, a.encode()) for a in args))
    for slot, args in outputs:
        o += field(2, field(1, slot.encode()) + b"".join(field(2, a.encode()) for a in args))
    o += field(3, kind.encode())
    for k, v in attrs.items():
        if isinstance(v, str):
            a = field(1, k.encode()) + bytes([0x10, 2]) + field(5, v.encode())
        else:
            a = field(1, k.encode()) + bytes([0x10, 0, 0x18]) + varint(v)
        o += field(4, a)
    return o


def fields(b: bytes):
    """(number, wire type, raw field bytes, payload) for each field of a message."""
    i = 0
    while i < len(b):
        start = i
        key, i = read_varint(b, i)
        n, wt = key >> 3, key & 7
        if wt == 0:
            _, i = read_varint(b, i)
            payload = None
        elif wt == 2:
            ln, i = read_varint(b, i)
            payload = b[i:i + ln]
            i += ln
        elif wt == 1:
            i += 8
            payload = None
        elif wt == 5:
            i += 4
            payload = None
        else:
            raise ValueError(wt)
        yield n, wt, b[start:i], payload


def strip_callstacks(program: bytes) -> bytes:
    """Removes `op_callstack` attributes: Paddle adds them to the feed and
    fetch operators after `clip_extra`, with the exporting machine's paths."""
    def op(o: bytes) -> bytes:
        keep = b""
        for n, wt, raw, payload in fields(o):
            if n == 4 and wt == 2:
                name = next((p for m, w, _, p in fields(payload) if m == 1 and w == 2), b"")
                if name == b"op_callstack":
                    continue
            keep += raw
        return keep

    def block(bl: bytes) -> bytes:
        return b"".join(field(4, op(p)) if n == 4 and wt == 2 else raw for n, wt, raw, p in fields(bl))

    return b"".join(field(1, block(p)) if n == 1 and wt == 2 else raw for n, wt, raw, p in fields(program))


def with_op(program: bytes, op: bytes) -> bytes:
    """Appends `op` to block 0 of a ProgramDesc."""
    assert program[0] == 0x0A
    n, i = read_varint(program, 1)
    block = program[i:i + n] + field(4, op)
    return field(1, block) + program[i + n:]


def paddle_fixtures() -> None:
    import paddle

    paddle.seed(0)

    class Net(paddle.nn.Layer):
        def __init__(self):
            super().__init__()
            self.fc = paddle.nn.Linear(4, 2)

        def forward(self, x):
            return paddle.nn.functional.relu(self.fc(x))

    net = Net()
    net.eval()
    tmp = pathlib.Path(tempfile.mkdtemp())
    paddle.jit.save(net, str(tmp / "model"), input_spec=[paddle.static.InputSpec([None, 4], "float32", name="x")])
    paddle.save(net.state_dict(), str(tmp / "model.pdparams"))
    program = strip_callstacks((tmp / "model.pdmodel").read_bytes())
    assert b"op_callstack" not in program and b"/work/" not in program
    params = (tmp / "model.pdiparams").read_bytes()
    state = (tmp / "model.pdparams").read_bytes()
    shutil.rmtree(tmp)
    v = paddle.__version__
    out("paddle/benign_linear.pdmodel", program, why=f"paddle.jit.save of Linear+ReLU (paddlepaddle {v}, legacy program format; feed/fetch `op_callstack` paths removed)")
    out("paddle/benign_linear.pdiparams", params, why="its combined parameters (2 LoDTensors)")
    out("paddle/benign_linear.pdparams", state, why="paddle.save state dict (a pickle of NumPy arrays)")

    out("paddle/PDL001_py_func.pdmodel",
        with_op(program, op_desc("py_func", {"forward_callable_id": 0, "backward_callable_id": -1},
                                 [("X", ["x"])], [("Out", ["fixture_out"])])),
        "PDL001", "CRITICAL", "a py_func operator appended to the real program")
    out("paddle/PDL002_save_outside_model.pdmodel",
        with_op(program, op_desc("save", {"file_path": "/tmp/sentrascan-fixture/overwrite.txt"}, [("X", ["x"])])),
        "PDL002", "HIGH", "a save operator writing an absolute path")
    out("paddle/PDL002_load_combine_relative.pdmodel",
        with_op(program, op_desc("load_combine", {"file_path": "extra.pdiparams"}, (), [("Out", ["w"])])),
        "PDL002", "MEDIUM", "a load_combine operator reading a file beside the model")
    out("paddle/PDL003_custom_operator.pdmodel",
        with_op(program, op_desc("sentrascan_fixture_custom_relu", {}, [("X", ["x"])], [("Out", ["y"])])),
        "PDL003", "LOW", "an operator type Paddle does not register (custom op library)")
    out("paddle/PDL004_truncated.pdmodel", program[: len(program) // 2],
        "PDL004", "MEDIUM", "the real program cut in half")
    payload = b"\x80\x02cposix\nsystem\nq\x00X\x17\x00\x00\x00echo sentrascan-fixtureq\x01\x85q\x02Rq\x03."
    out("paddle/PDL005_trailing_pickle.pdiparams", params + payload,
        "PDL005,PKL001", "MEDIUM,CRITICAL", "a pickle calling posix.system appended after the tensors")
    bad = bytearray(params)
    # Second record's data cut short: the declared tensor runs past the end.
    out("paddle/PDL005_truncated_tensor.pdiparams", bytes(bad[:-5]),
        "PDL005", "MEDIUM", "the last tensor's data cut short")


# ------------------------------------------------------------------- skops
FIXED_DATE = (2026, 1, 1, 0, 0, 0)


def write_zip(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, members[name])
    return buf.getvalue()


def normalise_skops(data: bytes):
    """Renumbers skops' id-based `__id__`s and member names."""
    z = zipfile.ZipFile(io.BytesIO(data))
    schema = json.loads(z.read("schema.json"))
    ids = {}

    def walk(v):
        if isinstance(v, dict):
            if "__id__" in v:
                v["__id__"] = ids.setdefault(v["__id__"], len(ids) + 1)
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(schema)
    names = {}
    members = {}

    def files(v):
        if isinstance(v, dict):
            if isinstance(v.get("file"), str):
                old = v["file"]
                new = names.setdefault(old, f"{len(names)}{pathlib.PurePath(old).suffix}")
                members[new] = z.read(old)
                v["file"] = new
            for x in v.values():
                files(x)
        elif isinstance(v, list):
            for x in v:
                files(x)

    files(schema)
    return schema, members


def skops_zip(schema: dict, members: dict) -> bytes:
    m = dict(members)
    m["schema.json"] = json.dumps(schema, indent=2, sort_keys=True).encode()
    return write_zip(m)


def node(cls, mod, loader, **kw):
    d = {"__class__": cls, "__module__": mod, "__loader__": loader}
    d.update(kw)
    return d


def json_node(value):
    return node(type(value).__name__, "builtins", "JsonNode", content=json.dumps(value), is_json=True)


def skops_fixtures() -> None:
    import numpy as np
    import skops
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    y = np.array([0, 0, 1, 1])
    model = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())]).fit(X, y)
    tmp = pathlib.Path(tempfile.mkdtemp()) / "m.skops"
    sio.dump(model, tmp)
    assert sio.get_untrusted_types(file=tmp) == []
    schema, members = normalise_skops(tmp.read_bytes())
    shutil.rmtree(tmp.parent)
    out("skops/benign_pipeline.skops", skops_zip(schema, members),
        why=f"skops {skops.__version__} dump of StandardScaler + LogisticRegression (all types trusted by default)")

    def variant(name, extra, rule, sev, why, extra_members=None):
        s = json.loads(json.dumps(schema))
        s["content"]["content"]["fixture"] = extra
        m = dict(members)
        m.update(extra_members or {})
        out(f"skops/{name}.skops", skops_zip(s, m), rule, sev, why)

    variant("SKO001_function_builtins_eval", node("eval", "builtins", "FunctionNode"),
            "SKO001", "CRITICAL", "a FunctionNode returning builtins.eval")
    variant("SKO001_foreign_object", node("Loader", "sentrascan_fixture.plugins", "ObjectNode",
                                          content=node("dict", "builtins", "DictNode", content={})),
            "SKO001", "HIGH", "an ObjectNode of a type outside the scientific stack")
    variant("SKO001_sklearn_tree_internal", node("Tree", "sklearn.tree._tree", "TreeNode",
                                                 content=node("dict", "builtins", "DictNode", content={})),
            "SKO001", "LOW", "sklearn.tree._tree.Tree, which skops does not trust by default")
    variant("SKO002_operator_call_disguised",
            node("call", "sklearn.linear_model._stochastic_gradient.SGDRegressor", "OperatorFuncNode",
                 attrs=node("tuple", "builtins", "TupleNode", content=[
                     node("loads", "skops.io", "TypeNode"),
                     json_node("echo sentrascan-fixture")])),
            "SKO002", "CRITICAL", "CVE-2025-54412: operator.call under a trusted-looking module")
    variant("SKO002_operator_attrgetter",
            node("attrgetter", "operator", "OperatorFuncNode",
                 attrs=node("tuple", "builtins", "TupleNode", content=[json_node("coef_")])),
            "SKO002", "HIGH", "an operator.attrgetter built from file data")
    variant("SKO003_method_type_confusion",
            node("LogisticRegression", "sklearn.linear_model._logistic", "MethodNode",
                 content={"func": "system", "obj": node("module", "os", "ObjectNode",
                                                        content=node("dict", "builtins", "DictNode", content={}))}),
            "SKO003,SKO001", "CRITICAL,CRITICAL",
            "CVE-2025-54413: a MethodNode claiming LogisticRegression bound to an os object")
    variant("SKO004_unknown_loader", node("system", "os", "ExecNode"),
            "SKO004", "HIGH", "a loader skops does not define")
    # An object array stored as .npy: NumPy pickles it, so the engine's
    # NumPy and pickle analyses report it.
    payload = b"\x80\x02cposix\nsystem\nq\x00X\x17\x00\x00\x00echo sentrascan-fixtureq\x01\x85q\x02Rq\x03."
    header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    header = header + " " * (63 - (10 + len(header)) % 64) + "\n"
    npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + payload
    variant("NPY001_object_array_member", node("ndarray", "numpy", "NdArrayNode", type="numpy", file="fixture.npy"),
            "NPY001,PKL001", "LOW,CRITICAL", "an NdArrayNode whose .npy member is an object array (a pickle)",
            {"fixture.npy": npy})
    s = json.dumps(schema)[:200].encode()
    out("skops/SKO005_schema_truncated.skops", write_zip({**members, "schema.json": s}),
        "SKO005", "MEDIUM", "schema.json cut short")


TITLES = {
    "xml": ("XML fixtures", "Generic XML documents for the `XML` rules (the safe XML reader never expands entities, reads DTDs or follows XInclude)."),
    "openvino": ("OpenVINO IR fixtures", "`benign_tiny_mlp.xml`/`.bin` are written by OpenVINO's `save_model`; every other `.xml` is that IR with one change, and has a copy of the `.bin` beside it (the `OV002` check compares `Const` ranges with the `.bin` size)."),
    "pmml": ("PMML fixtures", "The benign document has the shape sklearn2pmml writes (written by hand: the converter needs Java); the others add one technique each."),
    "paddle": ("PaddlePaddle fixtures", "The benign files are written by paddlepaddle (`paddle.jit.save` with `FLAGS_enable_pir_api=0`, `paddle.save`); the `PDL` programs append one operator to that real program's block 0."),
    "skops": ("skops fixtures", "`benign_pipeline.skops` is written by `skops.io.dump` (ids renumbered, members dated 2026-01-01 for determinism); the others add one node under the pipeline's state."),
}


def readmes() -> None:
    why = {}
    expect = {}
    for r in rows:
        if r.startswith("# "):
            path, _, text = r[2:].partition(": ")
            why[path] = text
        else:
            path, rule, sev = r.split("\t")
            expect.setdefault(path, []).append("benign" if rule == "-" else f"{rule} {sev}")
    for d, (title, intro) in TITLES.items():
        lines = [f"# {title}", "", intro, "",
                 "Generated with everything else by `testdata/gen/generate_xmlpaddle_fixtures.py`",
                 "(see its docstring for the pinned packages); expectations in `testdata/expected-xmlpaddle.tsv`.",
                 "Payloads are inert (`echo sentrascan-fixture`, `127.0.0.1:9`, `/etc/hostname`).", "",
                 "| file | expected | what it shows |", "| --- | --- | --- |"]
        for path in expect:
            if path.startswith(d + "/"):
                lines.append(f"| `{path[len(d) + 1:]}` | {', '.join(expect[path])} | {why.get(path, '')} |")
        (ROOT / d / "README.md").write_text("\n".join(lines) + "\n")


def main() -> int:
    xml_fixtures()
    pmml_fixtures()
    openvino_fixtures()
    paddle_fixtures()
    skops_fixtures()
    MANIFEST.write_text(
        "# XML, OpenVINO, PMML, Paddle and skops fixtures. GENERATED by testdata/gen/generate_xmlpaddle_fixtures.py.\n"
        "# path<TAB>RULE<TAB>SEVERITY (a benign file: -<TAB>-, nothing above LOW).\n" + "\n".join(rows) + "\n")
    readmes()
    print(f"{MANIFEST}: {sum(1 for r in rows if not r.startswith('#'))} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
