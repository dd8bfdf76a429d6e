#!/usr/bin/env python3
"""Generates the on-device runtime fixtures (Core ML, ExecuTorch, TensorRT,
RKNN) under testdata/{coreml,executorch,tensorrt,rknn}/ and the manifest
testdata/expected-runtimes.tsv.

- Core ML: real models built with coremltools (pinned in requirements.txt;
  it builds and saves specs and `.mlpackage` directories without macOS).
  The malicious ones are coremltools specs with the dangerous field set.
- ExecuTorch: the `executorch` package needs PyTorch and a native build, so
  the programs are written with the `flatbuffers` Python builder (pinned)
  field by field from the published schema (executorch/schema/program.fbs,
  file identifier ET12) and the extended header layout
  (executorch/schema/extended_header.h). They follow what EXIR writes but
  were not produced by EXIR.
- TensorRT: engines can only be produced by TensorRT on an NVIDIA GPU, so
  the engines are synthetic: the `ftrt` tag, header words, and the strings a
  plugin layer leaves in an engine.
- RKNN: rknn-toolkit2 needs the whole PyTorch/ONNX/TensorFlow stack, so the
  containers are synthetic, in the layout rknn-toolkit writes (as Netron
  reads it): `RKNN`, version, model-data size, model data, JSON size, JSON.

Payloads are harmless (`echo sentrascan-fixture`, URLs to 127.0.0.1:9).
Run from the repository root:

    python3 testdata/gen/generate_runtime_fixtures.py
"""

import json
import os
import shutil
import struct
import sys

import flatbuffers

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MANIFEST = []


def write(rel, data, *expected):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    if not expected:
        MANIFEST.append(f"{rel}\t-\t-")
    for rule, sev in expected:
        MANIFEST.append(f"{rel}\t{rule}\t{sev}")


# ---------------------------------------------------------------- Core ML


def coreml_fixtures():
    import numpy as np
    import coremltools as ct
    from coremltools.models import datatypes
    from coremltools.models.neural_network import NeuralNetworkBuilder
    from coremltools.proto import Model_pb2

    def nn_builder():
        b = NeuralNetworkBuilder(
            [("x", datatypes.Array(3))], [("y", datatypes.Array(2))]
        )
        b.add_inner_product(
            "fc",
            W=np.arange(6, dtype=np.float32).reshape(2, 3) / 10,
            b=np.zeros(2, dtype=np.float32),
            input_channels=3,
            output_channels=2,
            has_bias=True,
            input_name="x",
            output_name="y",
        )
        return b

    b = nn_builder()
    spec = b.spec
    spec.specificationVersion = 4
    spec.description.metadata.author = "SentraScan fixtures"
    spec.description.metadata.license = "MIT"
    spec.description.metadata.shortDescription = "A 3->2 fully connected layer."
    spec.description.metadata.versionString = "1.0"
    spec.description.metadata.userDefined["com.github.apple.coremltools.version"] = ct.__version__
    write("coreml/benign_neural_network.mlmodel", spec.SerializeToString(deterministic=True))

    # A real ML Program saved as an .mlpackage directory (weights in a blob file).
    from coremltools.converters.mil import Builder as mb

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 32))])
    def prog(x):
        w = (np.arange(32 * 32, dtype=np.float32).reshape(32, 32) % 7) / 7
        return mb.linear(x=x, weight=w, name="y")

    model = ct.convert(
        prog,
        convert_to="mlprogram",
        skip_model_load=True,
        minimum_deployment_target=ct.target.iOS16,
    )
    pkg = os.path.join(ROOT, "coreml/benign_program.mlpackage")
    shutil.rmtree(pkg, ignore_errors=True)
    model.save(pkg)
    # The manifest records the package's files; Manifest.json holds random
    # identifiers, so it is rewritten with fixed ones for a stable tree.
    manifest_path = os.path.join(pkg, "Manifest.json")
    with open(manifest_path) as f:
        m = json.load(f)
    items = {}
    for i, (_, item) in enumerate(sorted(m["itemInfoEntries"].items(), key=lambda kv: kv[1]["path"])):
        items[f"00000000-0000-0000-0000-00000000000{i}"] = item
    m["itemInfoEntries"] = items
    for k, v in items.items():
        if v["path"].endswith("/model.mlmodel"):
            m["rootModelIdentifier"] = k
    with open(manifest_path, "w") as f:
        json.dump(m, f, indent=2, sort_keys=True)
    # Protobuf maps serialise in hash order unless asked otherwise.
    spec_path = os.path.join(pkg, "Data/com.apple.CoreML/model.mlmodel")
    spec = Model_pb2.Model()
    with open(spec_path, "rb") as f:
        spec.ParseFromString(f.read())
    with open(spec_path, "wb") as f:
        f.write(spec.SerializeToString(deterministic=True))
    for dirpath, _, files in sorted(os.walk(pkg)):
        for name in sorted(files):
            rel = os.path.relpath(os.path.join(dirpath, name), ROOT)
            MANIFEST.append(f"{rel}\t-\t-")
    with open(os.path.join(pkg, "Data/com.apple.CoreML/model.mlmodel"), "rb") as f:
        program_bytes = f.read()

    # customModel: Core ML instantiates the named class.
    spec = Model_pb2.Model()
    spec.specificationVersion = 4
    spec.description.input.add().name = "x"
    spec.description.output.add().name = "y"
    spec.customModel.className = "SentraScanFixtureHelper"
    spec.customModel.description = "runs application code on load"
    write("coreml/CML003_custom_model.mlmodel", spec.SerializeToString(deterministic=True), ("CML003", "HIGH"))

    # A custom layer inside a network.
    b = nn_builder()
    b.add_custom(
        "gelu_custom",
        input_names=["y"],
        output_names=["z"],
        custom_proto_spec=None,
    )
    spec = b.spec
    spec.neuralNetwork.layers[-1].custom.className = "SentraScanCustomGeLU"
    write("coreml/CML004_custom_layer.mlmodel", spec.SerializeToString(deterministic=True), ("CML004", "MEDIUM"))

    # Pipelines of linked models: one outside the bundle, one inside.
    def linked(path, search):
        spec = Model_pb2.Model()
        spec.specificationVersion = 4
        spec.description.input.add().name = "x"
        spec.description.output.add().name = "y"
        sub = spec.pipeline.models.add()
        sub.specificationVersion = 4
        sub.linkedModel.linkedModelFile.linkedModelFileName.defaultValue = path
        sub.linkedModel.linkedModelFile.linkedModelSearchPath.defaultValue = search
        return spec.SerializeToString(deterministic=True)

    write(
        "coreml/CML005_linked_model_absolute_path.mlmodel",
        linked("/tmp/sentrascan-fixture/evil.mlmodelc", "$BUNDLE_MAIN"),
        ("CML005", "HIGH"),
    )
    write(
        "coreml/CML005_linked_model_in_bundle.mlmodel",
        linked("Encoder.mlmodelc", "$BUNDLE_MAIN"),
        ("CML005", "LOW"),
    )

    # An ML Program constant read from a file outside the package.
    spec = Model_pb2.Model()
    spec.ParseFromString(program_bytes)
    replaced = 0
    for fn in spec.mlProgram.functions.values():
        for block in fn.block_specializations.values():
            for op in block.operations:
                for v in op.attributes.values():
                    if v.HasField("blobFileValue"):
                        v.blobFileValue.fileName = "@model_path/../../../../etc/passwd"
                        replaced += 1
    assert replaced, "coremltools stored no weight in a blob file"
    write("coreml/CML006_weight_path_escape.mlmodel", spec.SerializeToString(deterministic=True), ("CML006", "HIGH"))

    b = nn_builder()
    spec = b.spec
    spec.description.metadata.userDefined["postprocess"] = (
        "__import__('os').system('echo sentrascan-fixture')"
    )
    write("coreml/CML007_metadata_code.mlmodel", spec.SerializeToString(deterministic=True), ("CML007", "HIGH"))
    b = nn_builder()
    spec = b.spec
    spec.description.metadata.shortDescription = "Labels: http://127.0.0.1:9/labels.txt"
    write("coreml/CML008_metadata_url.mlmodel", spec.SerializeToString(deterministic=True), ("CML008", "LOW"))

    # A network whose only layer field runs past its message.
    key = lambda n, wt: varint((n << 3) | wt)
    bad_layer = key(1, 2) + bytes([0x7F, 0x00])
    data = key(1, 0) + varint(4) + key(500, 2) + varint(len(bad_layer)) + bad_layer
    write("coreml/CML002_malformed_layer.mlmodel", data, ("CML002", "MEDIUM"))

    good = nn_builder().spec.SerializeToString(deterministic=True)
    write("coreml/CML001_truncated.mlmodel", good[: len(good) // 2], ("CML001", "MEDIUM"))


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


# ---------------------------------------------------------------- ExecuTorch

ALIGN = 16


def pte(operators=(), delegates=(), inline=(), segments=(), constant_offsets=None, header=True, segment_override=None):
    """An ExecuTorch program: `operators` as (name, overload), `delegates`
    as (backend id, location 0 inline / 1 segment, index), `inline` delegate
    payloads, `segments` payloads appended after the flatbuffer."""
    b = flatbuffers.Builder(1024)

    def string(s):
        return b.CreateString(s)

    def table_vector(offsets):
        b.StartVector(4, len(offsets), 4)
        for o in reversed(offsets):
            b.PrependUOffsetTRelative(o)
        return b.EndVector()

    # Operators.
    ops = []
    for name, overload in operators:
        n, o = string(name), string(overload)
        b.StartObject(2)
        b.PrependUOffsetTRelativeSlot(0, n, 0)
        b.PrependUOffsetTRelativeSlot(1, o, 0)
        ops.append(b.EndObject())
    # Delegates.
    dels = []
    for backend, location, index in delegates:
        i = string(backend)
        key = string("output_format")
        b.StartVector(1, 1, 1)
        b.PrependUint8(0)
        val = b.EndVector()
        b.StartObject(2)
        b.PrependUOffsetTRelativeSlot(0, key, 0)
        b.PrependUOffsetTRelativeSlot(1, val, 0)
        spec = b.EndObject()
        specs = table_vector([spec])
        b.StartObject(2)
        b.PrependUint8Slot(0, location, 0)
        b.PrependUint32Slot(1, index, 0)
        ref = b.EndObject()
        b.StartObject(3)
        b.PrependUOffsetTRelativeSlot(0, i, 0)
        b.PrependUOffsetTRelativeSlot(1, ref, 0)
        b.PrependUOffsetTRelativeSlot(2, specs, 0)
        dels.append(b.EndObject())
    name = string("forward")
    op_vec = table_vector(ops)
    del_vec = table_vector(dels)
    b.StartObject(9)
    b.PrependUOffsetTRelativeSlot(0, name, 0)
    b.PrependUOffsetTRelativeSlot(6, op_vec, 0)
    b.PrependUOffsetTRelativeSlot(7, del_vec, 0)
    plan = b.EndObject()
    plans = table_vector([plan])
    # Inline delegate data.
    datas = []
    for payload in inline:
        b.StartVector(1, len(payload), ALIGN)
        for byte in reversed(payload):
            b.PrependUint8(byte)
        v = b.EndVector()
        b.StartObject(1)
        b.PrependUOffsetTRelativeSlot(0, v, 0)
        datas.append(b.EndObject())
    data_vec = table_vector(datas)
    # Segments: offsets relative to the segment base, each 16-aligned.
    segs = []
    offset = 0
    layout = []
    for payload in segments:
        layout.append(offset)
        seg_offset, seg_size = (offset, len(payload))
        if segment_override is not None and len(segs) == 0:
            seg_offset, seg_size = segment_override
        b.StartObject(2)
        b.PrependUint64Slot(0, seg_offset, 0)
        b.PrependUint64Slot(1, seg_size, 0)
        segs.append(b.EndObject())
        offset += (len(payload) + ALIGN - 1) // ALIGN * ALIGN
    seg_vec = table_vector(segs)
    const_seg = None
    if constant_offsets is not None:
        b.StartVector(8, len(constant_offsets), 8)
        for o in reversed(constant_offsets):
            b.PrependUint64(o)
        offs = b.EndVector()
        b.StartObject(2)
        b.PrependUint32Slot(0, 0, 0)
        b.PrependUOffsetTRelativeSlot(1, offs, 0)
        const_seg = b.EndObject()
    b.StartObject(8)
    b.PrependUint32Slot(0, 0, 0)
    b.PrependUOffsetTRelativeSlot(1, plans, 0)
    b.PrependUOffsetTRelativeSlot(3, data_vec, 0)
    b.PrependUOffsetTRelativeSlot(4, seg_vec, 0)
    if const_seg is not None:
        b.PrependUOffsetTRelativeSlot(5, const_seg, 0)
    root = b.EndObject()
    b.Finish(root, file_identifier=b"ET12")
    fb = bytes(b.Output())
    if not header:
        return fb
    # Insert the 32-byte extended header after the identifier (as EXIR does)
    # and move the root offset past it; every other offset is relative.
    hdr_len = 32
    (root_off,) = struct.unpack_from("<I", fb, 0)
    body = struct.pack("<I", root_off + hdr_len) + fb[4:8]
    program_size = len(fb) + hdr_len
    base = (program_size + ALIGN - 1) // ALIGN * ALIGN
    seg_bytes = b""
    for payload, at in zip(segments, layout):
        seg_bytes += b"\0" * (at - len(seg_bytes)) + payload
    header_bytes = b"eh00" + struct.pack("<IQQQ", hdr_len, program_size, base, len(seg_bytes))
    out = body + header_bytes + fb[8:]
    out += b"\0" * (base - len(out))
    return out + seg_bytes


def executorch_fixtures():
    weights = struct.pack("<8f", *[0.5 * i for i in range(8)])
    std_ops = [("aten::add", "out"), ("aten::mm", "out"), ("dim_order_ops::_to_dim_order_copy", "out")]
    write(
        "executorch/benign_add.pte",
        pte(operators=std_ops, segments=[weights], constant_offsets=[0, 0]),
    )
    # A program lowered to XNNPACK: a delegate payload in a segment.
    xnn = b"\0\0\0\0XN01" + bytes(range(48))
    write(
        "executorch/PTE006_xnnpack_delegate.pte",
        pte(operators=std_ops[:1], delegates=[("XnnpackBackend", 1, 1)], segments=[weights, xnn], constant_offsets=[0, 0]),
        ("PTE006", "LOW"),
    )
    write(
        "executorch/PTE004_custom_operator.pte",
        pte(operators=std_ops + [("sentrascan_fixture::run_shell", "out")], segments=[weights], constant_offsets=[0]),
        ("PTE004", "MEDIUM"),
    )
    write(
        "executorch/PTE005_unknown_backend.pte",
        pte(operators=std_ops[:1], delegates=[("SentraScanFixtureBackend", 0, 0)], inline=[b"opaque-backend-payload" * 3]),
        ("PTE005", "MEDIUM"),
    )
    # A standard backend whose inline payload is a pickle that runs a
    # command: the engine recurses into the payload and the pickle rules fire.
    pickle_payload = b"cposix\nsystem\n(S'echo sentrascan-fixture'\ntR."
    write(
        "executorch/PTE006_delegate_payload_pickle.pte",
        pte(operators=std_ops[:1], delegates=[("XnnpackBackend", 0, 0)], inline=[pickle_payload]),
        ("PTE006", "LOW"),
        ("PKL001", "CRITICAL"),
    )
    elf = b"\x7fELF\x02\x01\x01" + b"\0" * 9 + struct.pack("<HH", 3, 62) + b"\0" * 44 + b"echo sentrascan-fixture\0"
    write(
        "executorch/PTE007_segment_executable.pte",
        pte(operators=std_ops[:1], segments=[weights, elf], constant_offsets=[0]),
        ("PTE007", "HIGH"),
    )
    write(
        "executorch/PTE003_segment_out_of_bounds.pte",
        pte(operators=std_ops[:1], segments=[weights], constant_offsets=[0], segment_override=(0x7FFF0000, 4096)),
        ("PTE003", "HIGH"),
    )
    good = bytearray(pte(operators=std_ops[:1], segments=[weights], constant_offsets=[0]))
    struct.pack_into("<I", good, 12, 8)  # header length below its own fields
    write("executorch/PTE002_bad_extended_header.pte", bytes(good), ("PTE002", "MEDIUM"))
    write(
        "executorch/PTE001_root_past_end.pte",
        struct.pack("<I", 0x7FFF) + b"ET12" + b"\0" * 24,
        ("PTE001", "MEDIUM"),
    )


# ---------------------------------------------------------------- PyTorch Mobile


def ptl(operators):
    """A `_save_for_lite_interpreter` archive: TorchScript code and
    constants plus `bytecode.pkl` (bytecode version 8: per method, the
    instructions, `(name, overload, num_args)` operators, constants, types
    and register size). PyTorch is not installed here, so the archive is
    assembled with zipfile and pickle (protocol 2, as torch writes it)."""
    import io
    import pickle
    import zipfile

    method = (
        "__torch__.AddModule.forward",
        (
            ("instructions", (("STOREN", 1, 3), ("DROPR", 1, 0), ("MOVE", 2, 0), ("MOVE", 3, 0), ("LOADC", 0, 0), ("OP", 0, 0), ("RET", 0, 0))),
            ("operators", tuple(operators)),
            ("constants", (1,)),
            ("types", ()),
            ("register_size", 3),
        ),
        (("arguments", ()), ("returns", ())),
    )
    bytecode = pickle.dumps((8, method), protocol=2)
    code = (
        "class AddModule(Module):\n"
        "  __parameters__ = []\n"
        "  __buffers__ = []\n"
        "  def forward(self: __torch__.AddModule,\n"
        "    x: Tensor,\n"
        "    y: Tensor) -> Tensor:\n"
        "    return torch.add(x, y)\n"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        def add(name, data):
            info = zipfile.ZipInfo("add_module/" + name, date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, data)
        add("data.pkl", pickle.dumps({}, protocol=2))
        add("code/__torch__.py", code)
        add("constants.pkl", pickle.dumps((), protocol=2))
        add("bytecode.pkl", bytecode)
        add("extra/mobile_info.json", json.dumps({"model_name": "add_module"}))
        add("version", "8\n")
    return buf.getvalue()


def mobile_fixtures():
    write("pytorch_mobile/benign_add.ptl", ptl([("aten::add", "Tensor", 3)]))
    write(
        "pytorch_mobile/PTE008_custom_operator.ptl",
        ptl([("aten::add", "Tensor", 3), ("sentrascan_fixture::run_shell", "", 1)]),
        ("PTE008", "MEDIUM"),
    )


# ---------------------------------------------------------------- TensorRT


def engine(*strings, extra=b""):
    """`ftrt`, two header words, then length-prefixed strings between
    binary filler, the way layer and plugin names sit in an engine."""
    out = bytearray(b"ftrt" + struct.pack("<II", 0xE8, 0x30))
    out += bytes((i * 37) % 251 for i in range(64)).replace(b"\x00", b"\x01")
    for s in strings:
        out += struct.pack("<I", len(s)) + s + b"\0"
        out += bytes([0x80, 0x81, 0x82, 0x83])
    # A CUDA kernel image (cubin): an ELF for EM_CUDA, which is expected.
    out += b"\x7fELF\x02\x01\x01" + b"\0" * 9 + struct.pack("<HH", 2, 190) + b"\0" * 44
    return bytes(out + extra)


def tensorrt_fixtures():
    layers = [b"conv1 + relu1", b"fc_output", b"input_0", b"output_0"]
    write("tensorrt/benign_convnet.engine", engine(*layers))
    write(
        "tensorrt/TRT005_standard_plugin.engine",
        engine(*layers, b"GridAnchor_TRT", b"1", b""),
        ("TRT005", "LOW"),
    )
    write(
        "tensorrt/TRT002_custom_plugin.engine",
        engine(*layers, b"SentraScanFixturePlugin", b"1", b"vendor"),
        ("TRT002", "MEDIUM"),
        ("TRT005", "LOW"),
    )
    write(
        "tensorrt/TRT003_plugin_library.engine",
        engine(*layers, b"/opt/sentrascan-fixture/libfixture_kernels.so"),
        ("TRT003", "MEDIUM"),
    )
    write(
        "tensorrt/TRT004_absolute_path.engine",
        engine(*layers, b"/etc/sentrascan-fixture/config"),
        ("TRT004", "MEDIUM"),
    )
    host_elf = b"\x7fELF\x02\x01\x01" + b"\0" * 9 + struct.pack("<HH", 3, 62) + b"\0" * 44
    write(
        "tensorrt/TRT006_embedded_shared_object.engine",
        engine(*layers, extra=host_elf),
        ("TRT006", "HIGH"),
    )
    write("tensorrt/TRT001_truncated.engine", b"ftrt\xe8\0", ("TRT001", "MEDIUM"))


# ---------------------------------------------------------------- RKNN


def rknn(description, version=6, model=b"\x10\0\0\0RKNN" + bytes(range(24))):
    out = b"RKNN\0\0\0\0" + struct.pack("<QQ", version, len(model))
    if version >= 2 and model:
        out += b"\0" * 40
    js = json.dumps(description, sort_keys=True).encode()
    return out + model + struct.pack("<Q", len(js)) + js


def rknn_description(**extra):
    d = {
        "version": "2.3.0",
        "name": "mobilenet_v2",
        "network_platform": "onnx",
        "ori_network_platform": "onnx",
        "target_platform": ["rk3588"],
        "nodes": [
            {"op": "VSI_NN_OP_CONV2D", "name": "conv_0"},
            {"op": "VSI_NN_OP_RELU", "name": "relu_0"},
            {"op": "RKNN_OP_NNBG", "name": "nnbg"},
        ],
    }
    d.update(extra)
    return d


def rknn_fixtures():
    write("rknn/benign_mobilenet.rknn", rknn(rknn_description()))
    d = rknn_description()
    d["nodes"].append({"op": "cstSentraScanFixture", "name": "custom_0"})
    write("rknn/RKN002_custom_op.rknn", rknn(d), ("RKN002", "MEDIUM"))
    write(
        "rknn/RKN003_metadata_code.rknn",
        rknn(rknn_description(name="__import__('os').system('echo sentrascan-fixture')")),
        ("RKN003", "HIGH"),
    )
    write(
        "rknn/RKN004_metadata_url.rknn",
        rknn(rknn_description(source="http://127.0.0.1:9/model.onnx")),
        ("RKN004", "LOW"),
    )
    write("rknn/RKN001_encrypted.rknn", b"CYPTRKNN" + bytes(range(64)), ("RKN001", "MEDIUM"))


def main():
    coreml_fixtures()
    executorch_fixtures()
    mobile_fixtures()
    tensorrt_fixtures()
    rknn_fixtures()
    with open(os.path.join(ROOT, "expected-runtimes.tsv"), "w") as f:
        f.write("# On-device runtime fixtures. GENERATED by testdata/gen/generate_runtime_fixtures.py;\n")
        f.write("# see testdata/runtimes.md.\n")
        f.write("# path<TAB>RULE<TAB>SEVERITY (a benign file: -<TAB>-, nothing above LOW).\n")
        f.write("\n".join(MANIFEST) + "\n")


if __name__ == "__main__":
    sys.exit(main())
