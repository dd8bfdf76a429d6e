#!/usr/bin/env python3
"""Generate the NeMo, TorchServe .mar, llamafile and OCI image fixtures
under testdata/containers/.

Deterministic: tar and zip timestamps are fixed, gzip headers carry mtime 0.
Weights are committed fixtures of other generators (a benign torch zip and
TorchScript, a benign and a malicious GGUF, a malicious pickle), so every
container here is a real container around real model files.

The benign .mar is built by the real `torch-model-archiver` (pinned in
requirements.txt; install into a venv) and then re-packed with a fixed
`createdOn` and fixed zip timestamps; without it the generator stops.

Payloads are inert: `echo sentrascan-fixture`, URLs to 127.0.0.1:9.

Run from the repository root: python3 testdata/gen/generate_container_fixtures.py
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "testdata"
OUT = ROOT / "containers"
DATE = (2024, 1, 1, 0, 0, 0)
MTIME = 1704067200

BENIGN_TORCH = (ROOT / "benign/torch_zip_state_dict_mlp.pt").read_bytes()
BENIGN_SCRIPTED = (ROOT / "benign/torchscript_mlp.pt").read_bytes()
EVIL_TORCH = (ROOT / "pytorch/PKL001_torch_zip_os_system.pt").read_bytes()
EVIL_PICKLE = (ROOT / "pickle/PKL001_inst_os_system.pkl").read_bytes()
BENIGN_GGUF = (ROOT / "gguf/benign_llama3_chat_template.gguf").read_bytes()
EVIL_GGUF = (ROOT / "gguf/GGUF007_metadata_shell_command.gguf").read_bytes()


def write(rel: str, data: bytes) -> None:
    p = OUT / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)


def tar_bytes(members: list[tuple[str, bytes | None]], *, gz: bool = False) -> bytes:
    """A ustar archive; a member whose data is None is a directory."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.mtime = MTIME
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if data is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                t.addfile(info)
            else:
                info.size = len(data)
                info.mode = 0o755 if name.endswith(".sh") else 0o644
                t.addfile(info, io.BytesIO(data))
    raw = buf.getvalue()
    return gzip_bytes(raw) if gz else raw


def gzip_bytes(raw: bytes) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as g:
        g.write(raw)
    return out.getvalue()


def zip_bytes(members: list[tuple[str, bytes]], *, prefix: bytes = b"", stored: bool = False) -> bytes:
    buf = io.BytesIO()
    buf.write(prefix)
    with zipfile.ZipFile(buf, "a" if prefix else "w") as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = zipfile.ZIP_STORED if stored or name.endswith(".gguf") else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


# --------------------------------------------------------------------------
# NeMo
# --------------------------------------------------------------------------

def nemo_config(**tokenizer: str) -> bytes:
    lines = [
        "sample_rate: 16000",
        "labels: [' ', a, b, c]",
        "tokenizer:",
        *(f"  {k}: {v}" for k, v in tokenizer.items()),
        "  type: bpe",
        "preprocessor:",
        "  _target_: nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor",
        "  window_size: 0.025",
        "encoder:",
        "  _target_: nemo.collections.asr.modules.ConformerEncoder",
        "  feat_in: 80",
        "  n_layers: 2",
        "train_ds:",
        "  manifest_filepath: null",
        "  batch_size: 16",
        "target: nemo.collections.asr.models.ctc_bpe_models.EncDecCTCModelBPE",
        "nemo_version: 1.23.0",
        "",
    ]
    return "\n".join(lines).encode()


TOKENIZER_OK = {
    "dir": "null",
    "model": "nemo:1a2b3c_tokenizer.model",
    "vocab_path": "nemo:4d5e6f_vocab.txt",
}


def nemo(members: list[tuple[str, bytes | None]], gz: bool = False) -> bytes:
    return tar_bytes([("./", None), *members], gz=gz)


NEMO_BASE = [
    ("./model_weights.ckpt", BENIGN_TORCH),
    ("./1a2b3c_tokenizer.model", b"\x0a\x0c\x0a\x05<unk>\x15\x00\x00\x00\x00"),
    ("./4d5e6f_vocab.txt", b"<unk>\na\nb\nc\n"),
]


def gen_nemo() -> None:
    write("nemo/benign_asr_ctc_bpe.nemo", nemo([("./model_config.yaml", nemo_config(**TOKENIZER_OK)), *NEMO_BASE], gz=True))
    write("nemo/benign_asr_ctc_bpe_uncompressed.nemo", nemo([("./model_config.yaml", nemo_config(**TOKENIZER_OK)), *NEMO_BASE]))
    write("nemo/NEMO001_config_unparseable.nemo", nemo([("./model_config.yaml", b"tokenizer: [nemo:a, \n  b: {\n"), *NEMO_BASE]))
    bad = dict(TOKENIZER_OK, model="nemo:../../../tmp/sentrascan-fixture.model")
    write("nemo/NEMO002_artifact_traversal.nemo", nemo([("./model_config.yaml", nemo_config(**bad)), *NEMO_BASE]))
    host = dict(TOKENIZER_OK, vocab_path="/etc/sentrascan-fixture/vocab.txt")
    write("nemo/NEMO002_absolute_vocab_path.nemo", nemo([("./model_config.yaml", nemo_config(**host)), *NEMO_BASE]))
    missing = dict(TOKENIZER_OK, model="nemo:9f9f9f_missing_tokenizer.model")
    write("nemo/NEMO003_missing_artifact.nemo", nemo([("./model_config.yaml", nemo_config(**missing)), *NEMO_BASE]))
    write("nemo/NEMO004_setup_script.nemo", nemo([
        ("./model_config.yaml", nemo_config(**TOKENIZER_OK)), *NEMO_BASE,
        ("./setup.sh", b"#!/bin/sh\necho sentrascan-fixture\n"),
    ]))
    write("nemo/PKL001_malicious_weights.nemo", nemo([
        ("./model_config.yaml", nemo_config(**TOKENIZER_OK)),
        ("./model_weights.ckpt", EVIL_TORCH), *NEMO_BASE[1:],
    ], gz=True))


# --------------------------------------------------------------------------
# TorchServe .mar
# --------------------------------------------------------------------------

def archiver_manifest(tmp: Path) -> dict:
    """Runs the real torch-model-archiver and returns its MANIFEST.json."""
    exe = shutil.which("torch-model-archiver") or str(Path(sys.executable).parent / "torch-model-archiver")
    if not Path(exe).exists():
        sys.exit("torch-model-archiver is not installed (pip install torch-model-archiver==0.12.0)")
    (tmp / "model.pt").write_bytes(BENIGN_SCRIPTED)
    subprocess.run([exe, "--model-name", "mlp", "--version", "1.0", "--serialized-file", str(tmp / "model.pt"),
                    "--handler", "image_classifier", "--export-path", str(tmp), "--force"], check=True)
    with zipfile.ZipFile(tmp / "mlp.mar") as z:
        names = z.namelist()
        assert names == ["model.pt", "MAR-INF/MANIFEST.json"] or sorted(names) == sorted(["model.pt", "MAR-INF/MANIFEST.json"]), names
        m = json.loads(z.read("MAR-INF/MANIFEST.json"))
    m["createdOn"] = "01/01/2024 00:00:00"
    return m


def mar(manifest: dict, members: list[tuple[str, bytes]]) -> bytes:
    body = json.dumps(manifest, indent=2).encode()
    return zip_bytes([*members, ("MAR-INF/MANIFEST.json", body)])


def with_model(base: dict, **fields) -> dict:
    m = json.loads(json.dumps(base))
    for k, v in fields.items():
        if v is None:
            m["model"].pop(k, None)
        else:
            m["model"][k] = v
    return m


HANDLER = b'''# Custom TorchServe handler (fixture).
from ts.torch_handler.base_handler import BaseHandler


class MLPHandler(BaseHandler):
    def preprocess(self, data):
        return [row.get("body") for row in data]
'''

MODEL_PY = b'''# Model definition (fixture).
import torch


class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)
'''


def gen_mar() -> None:
    with tempfile.TemporaryDirectory() as d:
        base = archiver_manifest(Path(d))
    write("mar/benign_scripted_image_classifier.mar", mar(base, [("model.pt", BENIGN_SCRIPTED)]))
    write("mar/MAR001_manifest_truncated.mar", zip_bytes([("model.pt", BENIGN_SCRIPTED), ("MAR-INF/MANIFEST.json", b'{"model": {"modelName": "mlp", ')]))
    custom = with_model(base, handler="mlp_handler.py", modelFile="model.py", serializedFile="model.pt")
    write("mar/MAR002_custom_handler_and_model_file.mar", mar(custom, [("model.pt", BENIGN_TORCH), ("mlp_handler.py", HANDLER), ("model.py", MODEL_PY)]))
    reqs = with_model(base, requirementsFile="requirements.txt")
    write("mar/MAR003_requirements.mar", mar(reqs, [("model.pt", BENIGN_SCRIPTED), ("requirements.txt", b"# serving extras\nnumpy==2.1.3\nPillow>=10\n")]))
    write("mar/MAR004_requirements_extra_index.mar", mar(reqs, [("model.pt", BENIGN_SCRIPTED), ("requirements.txt", b"numpy==2.1.3\n--extra-index-url http://127.0.0.1:9/simple\ngit+https://127.0.0.1:9/sentrascan-fixture.git\n")]))
    escape = with_model(base, serializedFile="../../sentrascan-fixture/model.pt")
    write("mar/MAR005_serialized_file_traversal.mar", mar(escape, [("model.pt", BENIGN_SCRIPTED)]))
    missing = with_model(base, serializedFile="weights.pt")
    write("mar/MAR006_missing_serialized_file.mar", mar(missing, [("model.pt", BENIGN_SCRIPTED)]))
    write("mar/PKL001_malicious_serialized_file.mar", mar(base, [("model.pt", EVIL_TORCH)]))


# --------------------------------------------------------------------------
# llamafile
# --------------------------------------------------------------------------

# An Actually Portable Executable's shape: the `MZqFpD='` header that is both
# an MS-DOS stub and a shell assignment, then a shell script. Inert: it only
# echoes; there is no real program inside.
APE_PREFIX = (
    b"MZqFpD='\n\n\x00\x00\x00\x00\x00\x00\x00\x00'\n"
    b"#'\"\n"
    b"echo sentrascan-fixture\n"
    b"exit 1\n"
).ljust(4096, b"\x00")


# Not how llamafiles are built: a plain shell script in front of the weights.
SHELL_PREFIX = b"#!/bin/sh\necho sentrascan-fixture\nexit 1\n".ljust(512, b"\n")


def llamafile(args: bytes, gguf: bytes = BENIGN_GGUF, name: str = "model.gguf",
              prefix: bytes = APE_PREFIX) -> bytes:
    return zip_bytes([(name, gguf), (".args", args)], prefix=prefix, stored=True)


def gen_llamafile() -> None:
    write("llamafile/LMF001_ape_with_gguf.llamafile", llamafile(b"-m\nmodel.gguf\n--host\n127.0.0.1\n...\n"))
    write("llamafile/LMF002_host_all_interfaces.llamafile", llamafile(b"-m\nmodel.gguf\n--host\n0.0.0.0\n--mmproj\nhttp://127.0.0.1:9/sentrascan-fixture.gguf\n...\n"))
    write("llamafile/GGUF007_malicious_weights.llamafile", llamafile(b"-m\nmodel.gguf\n...\n", EVIL_GGUF))
    write("llamafile/LMF001_shell_script_with_gguf.llamafile",
          llamafile(b"-m\nmodel.gguf\n...\n", prefix=SHELL_PREFIX))


# --------------------------------------------------------------------------
# OCI image layouts
# --------------------------------------------------------------------------

def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def desc(media: str, data: bytes, **extra) -> dict:
    d = {"mediaType": media, "digest": digest(data), "size": len(data)}
    d.update(extra)
    return d


LAYER_GZ = "application/vnd.oci.image.layer.v1.tar+gzip"
LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"


def config_blob(history: int) -> bytes:
    return json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/usr/local/bin:/usr/bin:/bin"], "WorkingDir": "/srv"},
        "rootfs": {"type": "layers", "diff_ids": []},
        "history": [{"created_by": f"COPY layer{i} /srv"} for i in range(history)],
    }, sort_keys=True).encode()


class Image:
    """An OCI image layout: blobs, one manifest, an index; `tamper` edits
    blob bytes after the digests are computed."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.layers: list[dict] = []

    def blob(self, data: bytes) -> str:
        d = digest(data)
        self.blobs[d] = data
        return d

    def layer(self, files: list[tuple[str, bytes | None]], media: str = LAYER_GZ, raw: bytes | None = None, **extra) -> str:
        data = raw if raw is not None else tar_bytes(files, gz=media.endswith("gzip"))
        self.layers.append(desc(media, data, **extra))
        return self.blob(data)

    def build(self, *, tag: str = "fixture:1.0", artifact_type: str | None = None, config_media: str = "application/vnd.oci.image.config.v1+json",
              drop: set[str] = frozenset(), tamper: dict[str, bytes] | None = None, index: bytes | None = None, docker_manifest: bool = False) -> bytes:
        config = config_blob(len(self.layers))
        self.blob(config)
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": desc(config_media, config), "layers": self.layers}
        if artifact_type:
            manifest["artifactType"] = artifact_type
        mbytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
        self.blob(mbytes)
        idx = index if index is not None else json.dumps({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [desc("application/vnd.oci.image.manifest.v1+json", mbytes,
                               annotations={"org.opencontainers.image.ref.name": tag})],
        }, indent=2, sort_keys=True).encode()
        members: list[tuple[str, bytes | None]] = [("blobs/", None), ("blobs/sha256/", None)]
        for d, data in sorted(self.blobs.items()):
            if d in drop:
                continue
            data = (tamper or {}).get(d, data)
            members.append((f"blobs/sha256/{d.split(':')[1]}", data))
        members.append(("index.json", idx))
        if docker_manifest:
            members.append(("manifest.json", json.dumps([{
                "Config": "blobs/sha256/" + digest(config).split(":")[1], "RepoTags": [tag],
                "Layers": ["blobs/sha256/" + l["digest"].split(":")[1] for l in self.layers]}]).encode()))
        members.append(("oci-layout", b'{"imageLayoutVersion": "1.0.0"}'))
        return tar_bytes(members)


APP_FILES = [
    ("srv/", None),
    ("srv/app.txt", b"sentrascan fixture image\n"),
    ("srv/models/", None),
    ("srv/models/model.gguf", BENIGN_GGUF),
]


def gen_oci() -> None:
    img = Image()
    img.layer([("etc/", None), ("etc/os-release", b'NAME="fixture"\nID=fixture\n'),
               ("usr/", None), ("usr/lib/", None), ("usr/lib/build_helper.py", b"# build-time helper (fixture)\nprint('ok')\n")])
    img.layer(APP_FILES)
    # A cleanup layer: deleting code and text is ordinary and not reported.
    img.layer([("usr/lib/.wh.build_helper.py", b""), ("etc/.wh.os-release", b"")], media=LAYER_TAR)
    write("oci/benign_oci_layout.tar", img.build(docker_manifest=True))

    img = Image()
    img.layer([], media="application/vnd.ollama.image.model", raw=BENIGN_GGUF)
    img.layer([], media="application/vnd.ollama.image.params", raw=b'{"temperature": 0.7}')
    write("oci/benign_ollama_model.tar", img.build(tag="registry.ollama.ai/library/fixture:latest",
                                                   config_media="application/vnd.docker.container.image.v1+json"))

    img = Image()
    d = img.layer(APP_FILES)
    tampered = tar_bytes([*APP_FILES[:3], ("srv/models/model.gguf", BENIGN_GGUF[:-64] + b"\x00" * 64)], gz=True)
    write("oci/OCI001_layer_digest_mismatch.tar", img.build(tamper={d: tampered}))

    img = Image()
    img.layer([("etc/", None), ("etc/os-release", b'NAME="fixture"\n')])
    d = img.layer(APP_FILES)
    write("oci/OCI002_missing_layer.tar", img.build(drop={d}))

    img = Image()
    img.layer(APP_FILES)
    write("oci/OCI003_index_unparseable.tar", img.build(index=b'{"schemaVersion": 2, "manifests": [\n'))

    img = Image()
    img.layer([("srv/", None), ("srv/models/", None), ("srv/models/model.pkl", EVIL_PICKLE)])
    img.layer([("srv/models/.wh.model.pkl", b""), ("srv/models/model.gguf", BENIGN_GGUF)], media=LAYER_TAR)
    write("oci/OCI004_whiteout_hides_pickle.tar", img.build())

    # A layout directory (as `skopeo copy oci:dir` writes it), scanned file by
    # file: one blob's bytes no longer match its name.
    img = Image()
    img.layer(APP_FILES)
    tar = tarfile.open(fileobj=io.BytesIO(img.build()))
    base = OUT / "oci/layout_dir"
    shutil.rmtree(base, ignore_errors=True)
    for m in tar.getmembers():
        if m.isfile():
            write(f"oci/layout_dir/{m.name}", tar.extractfile(m).read())
    bad = "0" * 64
    write(f"oci/layout_dir/blobs/sha256/{bad}", b'{"note": "content does not hash to its name"}')


def main() -> None:
    gen_nemo()
    gen_mar()
    gen_llamafile()
    gen_oci()


if __name__ == "__main__":
    main()
