#!/usr/bin/env python3
"""TensorFlow fixtures: SavedModels, a MetaGraph and frozen GraphDefs.

TensorFlow itself is too heavy to install for this, so the messages are
built with TensorFlow's own compiled protos as shipped by `tensorboard`
(`tensorboard.compat.proto.*`, see requirements.txt) and serialised with
`protobuf`. The two messages tensorboard does not ship are wrapped by hand
with the same field numbers: `SavedModel` (schema version = 1, meta_graphs
= 2) and Keras's `SavedMetadata` (nodes = 1; SavedObject node_id = 2,
node_path = 3, identifier = 4, metadata = 5), plus `FingerprintDef`
(five uint64 hashes = 1..5). Graphs are shaped like what
`tf.saved_model.save`, `tf.compat.v1.train.Saver` and
`convert_variables_to_constants` write; malicious payloads are inert
(`echo`). Variables files are small fakes: the engine does not analyse
checkpoint shards.

    python3 -m venv /tmp/venv-tf && /tmp/venv-tf/bin/pip install tensorboard==2.18.0 protobuf==7.36.2 numpy
    /tmp/venv-tf/bin/python testdata/gen/generate_tensorflow_fixtures.py
"""

import codecs
import json
import marshal
import os
import shutil
import struct
import sys

from tensorboard.compat.proto import (
    attr_value_pb2,
    function_pb2,
    graph_pb2,
    meta_graph_pb2,
    node_def_pb2,
    op_def_pb2,
    saver_pb2,
    tensor_pb2,
    tensor_shape_pb2,
    types_pb2,
    versions_pb2,
)

# What the Keras rules report for a Lambda whose bytecode calls os.system.
KERAS_LAMBDA_FINDINGS = [("KER001", "CRITICAL")]
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tensorflow")
TF_VERSION = "2.15.0"
TF_GIT = "v2.15.0-rc1-8-g6887368d6d4"
PRODUCER = 1645


# --- wire helpers for the three messages tensorboard lacks -----------------

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


def field_bytes(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def field_varint(number, value):
    return varint(number << 3) + varint(value)


def saved_model(*meta_graphs):
    out = field_varint(1, 1)
    for m in meta_graphs:
        out += field_bytes(2, m.SerializeToString(deterministic=True))
    return out


def keras_metadata(objects):
    out = b""
    for node_id, path, identifier, metadata in objects:
        obj = b""
        if node_id:
            obj += field_varint(2, node_id)
        if path:
            obj += field_bytes(3, path.encode())
        obj += field_bytes(4, identifier.encode())
        obj += field_bytes(5, json.dumps(metadata).encode())
        out += field_bytes(1, obj)
    return out


def fingerprint():
    out = b""
    for i, h in enumerate([0x1D2E3F405162738, 0x9ABCDEF012345, 0x112233445566, 0x778899AABBCC, 0x4455667788], 1):
        out += field_varint(i, h)
    out += field_bytes(6, versions_pb2.VersionDef(producer=1).SerializeToString(deterministic=True))
    return out


# --- graph building ------------------------------------------------------------

def shape(*dims):
    return tensor_shape_pb2.TensorShapeProto(
        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in dims]
    )


def node(name, op, inputs=(), **attrs):
    n = node_def_pb2.NodeDef(name=name, op=op, input=list(inputs))
    for k, v in attrs.items():
        n.attr[k].CopyFrom(v)
    return n


def a_type(t):
    return attr_value_pb2.AttrValue(type=t)


def a_s(s):
    return attr_value_pb2.AttrValue(s=s.encode())


def a_shape(*dims):
    return attr_value_pb2.AttrValue(shape=shape(*dims))


def a_types(*ts):
    return attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue(type=list(ts)))


def a_func(name):
    return attr_value_pb2.AttrValue(func=attr_value_pb2.NameAttrList(name=name))


def const_str(name, *values):
    t = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_STRING,
        tensor_shape=shape(len(values)) if len(values) != 1 else shape(),
        string_val=[v.encode() for v in values],
    )
    return node(name, "Const", dtype=a_type(types_pb2.DT_STRING), value=attr_value_pb2.AttrValue(tensor=t))


def const_float(name, *dims):
    count = 1
    for d in dims:
        count *= d
    data = struct.pack("<%df" % count, *[((i * 37) % 19 - 9) / 50.0 for i in range(count)])
    t = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, tensor_shape=shape(*dims), tensor_content=data)
    return node(name, "Const", dtype=a_type(types_pb2.DT_FLOAT), value=attr_value_pb2.AttrValue(tensor=t))


def const_int(name, *values):
    t = tensor_pb2.TensorProto(dtype=types_pb2.DT_INT32, tensor_shape=shape(len(values)), int_val=list(values))
    return node(name, "Const", dtype=a_type(types_pb2.DT_INT32), value=attr_value_pb2.AttrValue(tensor=t))


def placeholder(name, dtype=types_pb2.DT_FLOAT, *dims):
    return node(name, "Placeholder", dtype=a_type(dtype), shape=a_shape(*dims))


def graph(nodes, functions=()):
    g = graph_pb2.GraphDef(node=nodes, versions=versions_pb2.VersionDef(producer=PRODUCER))
    for f in functions:
        g.library.function.add().CopyFrom(f)
    return g


def function(name, args, outputs, nodes, ret):
    sig = op_def_pb2.OpDef(name=name)
    for a, t in args:
        sig.input_arg.add(name=a, type=t)
    for o, t in outputs:
        sig.output_arg.add(name=o, type=t)
    f = function_pb2.FunctionDef(signature=sig, node_def=nodes)
    for k, v in ret.items():
        f.ret[k] = v
    return f


def meta_graph(g, tags=("serve",), tf_version=TF_VERSION, signatures=None):
    m = meta_graph_pb2.MetaGraphDef(graph_def=g)
    m.meta_info_def.tags.extend(tags)
    m.meta_info_def.tensorflow_version = tf_version
    m.meta_info_def.tensorflow_git_version = TF_GIT if tf_version.startswith("2") else "v1.15.4-39-g3db52be"
    m.meta_info_def.meta_graph_version = ""
    for key, (inputs, outputs) in (signatures or {}).items():
        s = m.signature_def[key]
        s.method_name = "tensorflow/serving/predict"
        for k, (tname, dt) in inputs.items():
            s.inputs[k].name = tname
            s.inputs[k].dtype = dt
        for k, (tname, dt) in outputs.items():
            s.outputs[k].name = tname
            s.outputs[k].dtype = dt
    return m


F = types_pb2.DT_FLOAT
S = types_pb2.DT_STRING
R = types_pb2.DT_RESOURCE


# --- the benign SavedModel of a small Dense model (tf.saved_model.save) ----------

def traced_save_fn():
    """`__inference__traced_save_*`: the checkpoint writer of every TF2 SavedModel."""
    nodes = [
        const_str("StaticRegexFullMatch/pattern", "^s3://.*"),
        node("StaticRegexFullMatch", "StaticRegexFullMatch", ["file_prefix"], pattern=a_s("^s3://.*")),
        const_str("Const", ".part"),
        const_str("Const_1", "_temp/part"),
        node("Select", "Select", ["StaticRegexFullMatch:output:0", "Const:output:0", "Const_1:output:0"], T=a_type(S)),
        node("StringJoin", "StringJoin", ["file_prefix", "Select:output:0"], N=attr_value_pb2.AttrValue(i=2)),
        const_int("num_shards", 1),
        const_int("ShardedFilename/shard", 0),
        node("ShardedFilename", "ShardedFilename", ["StringJoin:output:0", "ShardedFilename/shard:output:0", "num_shards:output:0"]),
        const_str("SaveV2/tensor_names", "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE",
                  "layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE", "_CHECKPOINTABLE_OBJECT_GRAPH"),
        const_str("SaveV2/shape_and_slices", "", "", ""),
        node("SaveV2", "SaveV2", ["ShardedFilename:filename:0", "SaveV2/tensor_names:output:0",
                                  "SaveV2/shape_and_slices:output:0", "savev2_kernel_read", "savev2_bias_read",
                                  "savev2_const"], dtypes=a_types(F, F, S)),
        node("MergeV2Checkpoints/checkpoint_prefixes", "Pack", ["ShardedFilename:filename:0", "^SaveV2"], N=attr_value_pb2.AttrValue(i=1), T=a_type(S)),
        node("MergeV2Checkpoints", "MergeV2Checkpoints", ["MergeV2Checkpoints/checkpoint_prefixes:output:0", "file_prefix"]),
        node("Identity", "Identity", ["file_prefix", "^MergeV2Checkpoints"], T=a_type(S)),
        node("NoOp", "NoOp", ["^MergeV2Checkpoints"]),
    ]
    return function(
        "__inference__traced_save_97",
        [("file_prefix", S), ("savev2_kernel_read", F), ("savev2_bias_read", F), ("savev2_const", S)],
        [("identity", S)],
        nodes,
        {"identity": "Identity:output:0"},
    )


def traced_restore_fn():
    nodes = [
        const_str("RestoreV2/tensor_names", "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE",
                  "layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE", "_CHECKPOINTABLE_OBJECT_GRAPH"),
        const_str("RestoreV2/shape_and_slices", "", "", ""),
        node("RestoreV2", "RestoreV2", ["file_prefix", "RestoreV2/tensor_names:output:0",
                                        "RestoreV2/shape_and_slices:output:0"], dtypes=a_types(F, F, S)),
        node("Identity", "Identity", ["RestoreV2:tensors:0"], T=a_type(F)),
        node("AssignVariableOp", "AssignVariableOp", ["assignvariableop_kernel", "Identity:output:0"], dtype=a_type(F)),
        node("Identity_1", "Identity", ["RestoreV2:tensors:1"], T=a_type(F)),
        node("AssignVariableOp_1", "AssignVariableOp", ["assignvariableop_1_bias", "Identity_1:output:0"], dtype=a_type(F)),
        node("NoOp", "NoOp", ["^AssignVariableOp", "^AssignVariableOp_1"]),
        node("Identity_2", "Identity", ["file_prefix", "^NoOp"], T=a_type(S)),
    ]
    return function(
        "__inference__traced_restore_127",
        [("file_prefix", S), ("assignvariableop_kernel", R), ("assignvariableop_1_bias", R)],
        [("identity_2", S)],
        nodes,
        {"identity_2": "Identity_2:output:0"},
    )


def dense_call_fn(name="__inference_serving_default_61", extra=()):
    nodes = [
        node("MatMul/ReadVariableOp", "ReadVariableOp", ["matmul_readvariableop_resource"], dtype=a_type(F)),
        node("MatMul", "MatMul", ["inputs", "MatMul/ReadVariableOp:value:0"], T=a_type(F)),
        node("BiasAdd/ReadVariableOp", "ReadVariableOp", ["biasadd_readvariableop_resource"], dtype=a_type(F)),
        node("BiasAdd", "BiasAdd", ["MatMul:product:0", "BiasAdd/ReadVariableOp:value:0"], T=a_type(F)),
        node("Softmax", "Softmax", ["BiasAdd:output:0"], T=a_type(F)),
        node("Identity", "Identity", ["Softmax:softmax:0", "^BiasAdd/ReadVariableOp", "^MatMul/ReadVariableOp"], T=a_type(F)),
    ] + list(extra)
    return function(
        name,
        [("inputs", F), ("matmul_readvariableop_resource", R), ("biasadd_readvariableop_resource", R)],
        [("identity", F)],
        nodes,
        {"identity": "Identity:output:0"},
    )


def dense_saved_model(call_fn=None):
    call_fn = call_fn or dense_call_fn()
    save_fn, restore_fn = traced_save_fn(), traced_restore_fn()
    nodes = [
        node("dense/kernel", "VarHandleOp", dtype=a_type(F), shape=a_shape(4, 3), shared_name=a_s("dense/kernel")),
        node("dense/kernel/Read/ReadVariableOp", "ReadVariableOp", ["dense/kernel"], dtype=a_type(F)),
        node("dense/bias", "VarHandleOp", dtype=a_type(F), shape=a_shape(3), shared_name=a_s("dense/bias")),
        node("dense/bias/Read/ReadVariableOp", "ReadVariableOp", ["dense/bias"], dtype=a_type(F)),
        const_str("Const", "\n\x0e\n\x05\x08\x01\x12\x01\x30"),
        placeholder("serving_default_input_1", F, -1, 4),
        node("StatefulPartitionedCall", "StatefulPartitionedCall",
             ["serving_default_input_1", "dense/kernel", "dense/bias"],
             f=a_func(call_fn.signature.name), Tin=a_types(F, R, R), Tout=a_types(F)),
        placeholder("saver_filename", S),
        node("StatefulPartitionedCall_1", "StatefulPartitionedCall",
             ["saver_filename", "dense/kernel/Read/ReadVariableOp", "dense/bias/Read/ReadVariableOp", "Const"],
             f=a_func(save_fn.signature.name), Tin=a_types(S, F, F, S), Tout=a_types(S)),
        node("StatefulPartitionedCall_2", "StatefulPartitionedCall",
             ["saver_filename", "dense/kernel", "dense/bias"],
             f=a_func(restore_fn.signature.name), Tin=a_types(S, R, R), Tout=a_types(S)),
        node("NoOp", "NoOp"),
    ]
    g = graph(nodes, [call_fn, save_fn, restore_fn])
    m = meta_graph(
        g,
        signatures={"serving_default": ({"input_1": ("serving_default_input_1:0", F)},
                                        {"dense": ("StatefulPartitionedCall:0", F)})},
    )
    m.saver_def.CopyFrom(saver_pb2.SaverDef(
        filename_tensor_name="saver_filename:0",
        save_tensor_name="StatefulPartitionedCall_1:0",
        restore_op_name="StatefulPartitionedCall_2",
        version=saver_pb2.SaverDef.V2,
    ))
    return m


def write(rel, data):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return rel


def saved_model_dir(rel, meta, extra_files=()):
    write(rel + "/saved_model.pb", saved_model(meta))
    write(rel + "/fingerprint.pb", fingerprint())
    # Tensor-bundle index and shard: small fakes (not analysed).
    write(rel + "/variables/variables.index", b"\x00" * 8 + b"fake tensor bundle index" + struct.pack("<Q", 0xDB4775248B80FB57))
    write(rel + "/variables/variables.data-00000-of-00001", struct.pack("<15f", *[i / 16 for i in range(15)]))
    for name, data in extra_files:
        write(rel + "/" + name, data)


# --- the benign frozen conv net and TF1 MetaGraph -----------------------------

def frozen_convnet():
    nodes = [
        placeholder("input", F, -1, 8, 8, 1),
        const_float("conv/kernel", 3, 3, 1, 4),
        node("conv/Conv2D", "Conv2D", ["input", "conv/kernel"], T=a_type(F), padding=a_s("SAME"),
             data_format=a_s("NHWC"), strides=attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue(i=[1, 1, 1, 1]))),
        const_float("conv/bias", 4),
        node("conv/BiasAdd", "BiasAdd", ["conv/Conv2D", "conv/bias"], T=a_type(F), data_format=a_s("NHWC")),
        node("conv/Relu", "Relu", ["conv/BiasAdd"], T=a_type(F)),
        node("pool/MaxPool", "MaxPool", ["conv/Relu"], T=a_type(F), padding=a_s("VALID"), data_format=a_s("NHWC"),
             ksize=attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue(i=[1, 2, 2, 1])),
             strides=attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue(i=[1, 2, 2, 1]))),
        const_int("flatten/Const", -1, 64),
        node("flatten/Reshape", "Reshape", ["pool/MaxPool", "flatten/Const"], T=a_type(F)),
        const_float("dense/kernel", 64, 10),
        node("dense/MatMul", "MatMul", ["flatten/Reshape", "dense/kernel"], T=a_type(F)),
        const_float("dense/bias", 10),
        node("dense/BiasAdd", "BiasAdd", ["dense/MatMul", "dense/bias"], T=a_type(F)),
        node("output", "Softmax", ["dense/BiasAdd"], T=a_type(F)),
    ]
    return graph(nodes)


def tf1_meta_graph():
    nodes = [
        placeholder("x", F, -1, 4),
        node("w", "VariableV2", dtype=a_type(F), shape=a_shape(4, 2)),
        node("w/Assign", "Assign", ["w", "w/initial_value"], T=a_type(F)),
        const_float("w/initial_value", 4, 2),
        node("w/read", "Identity", ["w"], T=a_type(F)),
        node("MatMul", "MatMul", ["x", "w/read"], T=a_type(F)),
        const_str("save/filename/input", "model"),
        node("save/filename", "PlaceholderWithDefault", ["save/filename/input"], dtype=a_type(S), shape=a_shape()),
        node("save/Const", "PlaceholderWithDefault", ["save/filename"], dtype=a_type(S), shape=a_shape()),
        const_str("save/SaveV2/tensor_names", "w"),
        const_str("save/SaveV2/shape_and_slices", ""),
        node("save/SaveV2", "SaveV2", ["save/Const", "save/SaveV2/tensor_names", "save/SaveV2/shape_and_slices", "w"], dtypes=a_types(F)),
        node("save/control_dependency", "Identity", ["save/Const", "^save/SaveV2"], T=a_type(S), _class=attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue(s=[b"loc:@save/Const"]))),
        const_str("save/RestoreV2/tensor_names", "w"),
        const_str("save/RestoreV2/shape_and_slices", ""),
        node("save/RestoreV2", "RestoreV2", ["save/Const", "save/RestoreV2/tensor_names", "save/RestoreV2/shape_and_slices"], dtypes=a_types(F)),
        node("save/Assign", "Assign", ["w", "save/RestoreV2"], T=a_type(F)),
        node("save/restore_all", "NoOp", ["^save/Assign"]),
        node("init", "NoOp", ["^w/Assign"]),
    ]
    m = meta_graph(graph(nodes), tags=(), tf_version="1.15.5")
    m.saver_def.CopyFrom(saver_pb2.SaverDef(
        filename_tensor_name="save/Const:0", save_tensor_name="save/control_dependency:0",
        restore_op_name="save/restore_all", max_to_keep=5, keep_checkpoint_every_n_hours=10000.0,
        version=saver_pb2.SaverDef.V2))
    var = b"\n\x03w:0\x12\x08w/Assign\x1a\x08w/read:02\x11w/initial_value:0\x08\x01"
    m.collection_def["variables"].bytes_list.value.append(var)
    m.collection_def["trainable_variables"].bytes_list.value.append(var)
    return m


def graphdef_with(nodes, functions=()):
    return graph(nodes, functions).SerializeToString(deterministic=True)


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    expected = []

    def expect(rel, *findings):
        if findings:
            for code, sev in findings:
                expected.append(f"tensorflow/{rel}\t{code}\t{sev}")
        else:
            expected.append(f"tensorflow/{rel}\t-\t-")

    # Benign.
    keras_meta = keras_metadata([
        (0, "", "_tf_keras_sequential", {"name": "sequential", "class_name": "Sequential", "trainable": True,
                                          "expects_training_arg": True, "dtype": "float32", "batch_input_shape": None,
                                          "config": {"name": "sequential", "layers": [{"class_name": "Dense", "config": {"units": 3, "activation": "softmax"}}]},
                                          "keras_version": "2.15.0", "backend": "tensorflow"}),
        (1, "root.layer_with_weights-0", "_tf_keras_layer", {"name": "dense", "class_name": "Dense", "trainable": True,
                                                              "dtype": "float32", "config": {"units": 3, "activation": "softmax", "use_bias": True}}),
    ])
    rel = "benign/dense_saved_model"
    saved_model_dir(rel, dense_saved_model(), [
        ("assets/vocab.txt", b"[PAD]\n[UNK]\nthe\nof\nand\n"),
        ("keras_metadata.pb", keras_meta),
    ])
    for f in ["saved_model.pb", "fingerprint.pb", "keras_metadata.pb", "assets/vocab.txt",
              "variables/variables.index", "variables/variables.data-00000-of-00001"]:
        expect(f"{rel}/{f}")
    expect(write("benign/frozen_convnet.pb", frozen_convnet().SerializeToString(deterministic=True)))
    expect(write("benign/model.ckpt.meta", tf1_meta_graph().SerializeToString(deterministic=True)))

    # Malicious, one finding each.
    expect(write("TF001_pyfunc_in_graph.pb", graphdef_with([
        placeholder("x", F, -1),
        node("PyFunc", "PyFunc", ["x"], token=a_s("pyfunc_0"), Tin=a_types(F), Tout=a_types(F)),
        node("y", "Identity", ["PyFunc"], T=a_type(F)),
    ])), ("TF001", "CRITICAL"))
    # The same graph with `versions` written before the nodes: TensorFlow
    # parses fields in any order; the engine recognises it by its name.
    g = graph([placeholder("x", F, -1),
               node("PyFunc", "PyFunc", ["x"], token=a_s("pyfunc_0"), Tin=a_types(F), Tout=a_types(F))])
    versions = g.versions.SerializeToString(deterministic=True)
    g.ClearField("versions")
    expect(write("TF001_pyfunc_reordered_fields.pb", field_bytes(4, versions) + g.SerializeToString(deterministic=True)),
           ("TF001", "CRITICAL"))
    call = dense_call_fn(extra=[node("EagerPyFunc", "EagerPyFunc", ["inputs"], token=a_s("pyfunc_1"),
                                     Tin=a_types(F), Tout=a_types(F), is_async=attr_value_pb2.AttrValue(b=False))])
    rel = "TF001_eagerpyfunc_in_function"
    saved_model_dir(rel, dense_saved_model(call))
    expect(f"{rel}/saved_model.pb", ("TF001", "CRITICAL"))
    expect(write("TF002_writefile_bashrc.pb", graphdef_with([
        const_str("path", "~/.bashrc"),
        const_str("contents", "echo sentrascan-fixture\n"),
        node("WriteFile", "WriteFile", ["path", "contents"]),
    ])), ("TF002", "HIGH"))
    expect(write("TF002_printv2_to_file.pb", graphdef_with([
        placeholder("x", S),
        node("PrintV2", "PrintV2", ["x"], output_stream=a_s("file:///tmp/sentrascan-fixture.log"), end=a_s("\n")),
    ])), ("TF002", "HIGH"))
    expect(write("TF003_readfile_etc_passwd.pb", graphdef_with([
        const_str("path", "/etc/passwd"),
        node("ReadFile", "ReadFile", ["path"]),
        node("output", "Identity", ["ReadFile"], T=a_type(S)),
    ])), ("TF003", "HIGH"))
    expect(write("TF003_tfrecord_reader.pb", graphdef_with([
        node("reader", "TFRecordReaderV2", container=a_s(""), shared_name=a_s("")),
        node("queue", "FIFOQueueV2", component_types=a_types(S)),
        node("ReaderReadV2", "ReaderReadV2", ["reader", "queue"]),
    ])), ("TF003", "MEDIUM"))
    expect(write("TF004_restorev2_absolute_path.pb", graphdef_with([
        const_str("prefix", "/tmp/sentrascan-fixture/ckpt"),
        const_str("names", "dense/kernel"),
        const_str("slices", ""),
        node("RestoreV2", "RestoreV2", ["prefix", "names", "slices"], dtypes=a_types(F)),
    ])), ("TF004", "HIGH"))
    expect(write("TF005_data_service.pb", graphdef_with([
        const_str("address", "dispatcher.example.invalid:5050"),
        const_str("protocol", "grpc"),
        node("DataServiceDatasetV4", "DataServiceDatasetV4", ["dataset_id", "processing_mode", "address", "protocol"]),
    ])), ("TF005", "HIGH"))
    expect(write("TF006_load_library.pb", graphdef_with([
        const_str("lib", "libsentrascan_fixture.so"),
        node("LoadLibrary", "LoadLibrary", ["lib"]),
    ])), ("TF006", "HIGH"))
    expect(write("TF007_custom_op.pb", graphdef_with([
        placeholder("x", types_pb2.DT_INT32, -1),
        node("zero_out", "ZeroOut", ["x"], T=a_type(types_pb2.DT_INT32)),
    ])), ("TF007", "MEDIUM"))
    expect(write("TF008_abort.pb", graphdef_with([
        node("Abort", "Abort", error_msg=a_s("bye"), exit_without_error=attr_value_pb2.AttrValue(b=True)),
    ])), ("TF008", "MEDIUM"))
    cmd = meta_graph(graph([
        const_str("setup", "bash -c 'echo sentrascan-fixture'"),
        node("out", "Identity", ["setup"], T=a_type(S)),
    ]), tags=(), tf_version="1.15.5")
    expect(write("TF009_command_constant.meta", cmd.SerializeToString(deterministic=True)), ("TF009", "HIGH"))
    rel = "TF009_keras_metadata_lambda"
    expect(write(f"{rel}/keras_metadata.pb", keras_metadata([
        (0, "", "_tf_keras_layer", {"name": "lambda", "class_name": "Lambda",
                                     "config": {"function": "lambda x: __import__('os').system('echo sentrascan-fixture') or x"}}),
    ])), ("TF009", "HIGH"))
    # A Keras 2 Lambda as `tf.keras` writes it (`func_dump`: base64 of the
    # marshalled code object), handed to the Keras rules.
    code = (lambda x: __import__("os").system("echo sentrascan-fixture") or x).__code__
    dumped = codecs.encode(marshal.dumps(code), "base64").decode("ascii")
    rel = "KER001_keras_metadata_lambda_bytecode"
    expect(write(f"{rel}/keras_metadata.pb", keras_metadata([
        (0, "", "_tf_keras_sequential", {"name": "sequential", "class_name": "Sequential", "config": {"name": "sequential", "layers": [
            {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "name": "input_1"}},
            {"class_name": "Lambda", "config": {"name": "lambda", "trainable": True, "dtype": "float32",
                                                "function": [dumped, None, None], "function_type": "lambda",
                                                "module": "__main__", "output_shape": None, "output_shape_type": "raw",
                                                "output_shape_module": None, "arguments": {}}}]},
                                          "keras_version": "2.15.0", "backend": "tensorflow"}),
    ])), *KERAS_LAMBDA_FINDINGS)
    expect(write("TF010_url_constant.pb", graphdef_with([
        const_str("url", "https://example.invalid/stage2"),
        node("out", "Identity", ["url"], T=a_type(S)),
    ])), ("TF010", "LOW"))
    # assets/: an executable, a script and a pickle next to a benign SavedModel.
    rel = "TF011_asset_payloads"
    saved_model_dir(rel, dense_saved_model())
    elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + struct.pack("<HHI", 2, 0x3E, 1) + b"\x00" * 40
    expect(write(f"{rel}/assets/helper", elf), ("TF011", "HIGH"))
    expect(write(f"{rel}/assets.extra/setup.sh", b"#!/bin/sh\necho sentrascan-fixture\n"), ("TF011", "HIGH"))
    pkl = b"\x80\x02cposix\nsystem\nq\x00X\x17\x00\x00\x00echo sentrascan-fixtureq\x01\x85q\x02Rq\x03."
    expect(write(f"{rel}/assets/tokenizer.pkl", pkl), ("TF011", "MEDIUM"), ("PKL001", "CRITICAL"))
    for f in ["saved_model.pb", "fingerprint.pb", "variables/variables.index", "variables/variables.data-00000-of-00001"]:
        expect(f"{rel}/{f}")
    # Malformed: a SavedModel cut in the middle of its graph.
    whole = saved_model(dense_saved_model())
    expect(write("malformed/saved_model_truncated.pb", whole[: len(whole) // 2]), ("TF012", "MEDIUM"))

    manifest = os.path.join(ROOT, "..", "expected-tensorflow.tsv")
    with open(manifest, "w") as f:
        f.write("# Generated by testdata/gen/generate_tensorflow_fixtures.py\n")
        f.write("\n".join(expected) + "\n")
    print(f"{len(expected)} manifest lines", file=sys.stderr)


if __name__ == "__main__":
    main()
