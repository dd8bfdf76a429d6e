#!/usr/bin/env python3
"""Generate the secrets (`SEC`) and executables (`EXE`) fixtures under
testdata/secrets/ and testdata/executables/, and the manifest
testdata/expected-secrets.tsv.

Run from anywhere:

    python3 testdata/gen/generate_secrets_fixtures.py          # (re)write fixtures + manifest
    python3 testdata/gen/generate_secrets_fixtures.py --check  # verify the files on disk

Standard library only, plus `gcc` for the two ELF fixtures (a program and a
shared library, built with no build id and stripped so the bytes depend on
the compiler version only; the committed files are what the tests use).
The PE and Mach-O images are written field by field below, with an import
table (PE: `KERNEL32.dll!WinExec`) and a symbol table (Mach-O: `_system`
from libSystem) so the import readers have something to read.

Safety: nothing here runs. The ELF program's `main` calls
`system("echo sentrascan-fixture")`; the PE's entry point is a single
`ret`; the Mach-O has no code at all. Every credential is FAKE: random
strings from a seeded generator in each provider's format (GitHub tokens
with a correct CRC-32 suffix, so the checksum path is exercised), issued by
no provider; the AWS keys of the benign fixture are AWS's own documented
examples.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import io
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # testdata/
RNG = random.Random(5)
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def rand(n: int, alphabet: str = ALNUM) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def github_token(prefix: str = "ghp_") -> str:
    """`ghp_` + 30 random + base62 CRC-32 of those 30, zero-padded to 6."""
    body = rand(30)
    n = binascii.crc32(body.encode()) & 0xFFFFFFFF
    digits = ""
    for _ in range(6):
        digits = BASE62[n % 62] + digits
        n //= 62
    return prefix + body + digits


# Fake credentials, fixed by the seed.
GITHUB = github_token()
HF = "hf_" + rand(34)
AWS_SECRET = rand(40, ALNUM + "/+")
JWT_HEADER = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=").decode()
JWT_PAYLOAD = base64.urlsafe_b64encode(b'{"sub":"svc-trainer","exp":1924992000}').rstrip(b"=").decode()
JWT = f"{JWT_HEADER}.{JWT_PAYLOAD}.{rand(43, ALNUM + '-_')}"
DB_PASSWORD = rand(18)
API_KEY = rand(32)
SLACK_WEBHOOK = f"https://hooks.slack.com/services/T{rand(8, BASE62[:36])}/B{rand(10, BASE62[:36])}/{rand(24)}"


def pem_body(nbytes: int) -> str:
    raw = bytes(RNG.randrange(256) for _ in range(nbytes))
    b64 = base64.b64encode(raw).decode()
    return "\n".join(b64[i : i + 64] for i in range(0, len(b64), 64))


OPENSSH_KEY = (
    "-----BEGIN OPENSSH PRIVATE KEY-----\n" + pem_body(300) + "\n-----END OPENSSH PRIVATE KEY-----\n"
)
PKCS8_KEY = "-----BEGIN PRIVATE KEY-----\n" + pem_body(600) + "\n-----END PRIVATE KEY-----\n"



# --------------------------------------------------------------------------
# Containers
# --------------------------------------------------------------------------


def zip_bytes(members: list[tuple[str, bytes]], comment: bytes = b"") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
        z.comment = comment
    return buf.getvalue()


def tar_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1577836800
            info.mode = 0o644
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def npy_empty() -> bytes:
    """An empty float32 .npy array (format 1.0), header padded to a multiple of 64 bytes."""
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }"
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header


def pickle_dict(items: list[tuple[str, object]]) -> bytes:
    """Protocol 4 `{key: value}` of str/bytes/int values, no globals, opcode by opcode."""
    out = bytearray(b"\x80\x04}(")  # PROTO 4, EMPTY_DICT, MARK
    for k, v in items:
        kb = k.encode()
        out += b"\x8c" + bytes([len(kb)]) + kb  # SHORT_BINUNICODE
        if isinstance(v, str):
            vb = v.encode()
            out += b"X" + struct.pack("<I", len(vb)) + vb  # BINUNICODE
        elif isinstance(v, bytes):
            out += b"B" + struct.pack("<I", len(v)) + v  # BINBYTES
        else:
            out += b"J" + struct.pack("<i", v)  # BININT
    out += b"u."  # SETITEMS, STOP
    return bytes(out)


def safetensors(metadata: dict[str, str]) -> bytes:
    data = struct.pack("<4f", 0.5, -0.25, 1.0, 0.125)
    header = {"__metadata__": metadata, "w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


def gguf(kvs: list[tuple[str, str]]) -> bytes:
    """GGUF v3 with string metadata and one F32 tensor."""

    def s(x: str) -> bytes:
        b = x.encode()
        return struct.pack("<Q", len(b)) + b

    out = bytearray(b"GGUF" + struct.pack("<IQQ", 3, 1, len(kvs)))
    for k, v in kvs:
        out += s(k) + struct.pack("<I", 8) + s(v)
    out += s("w") + struct.pack("<I", 1) + struct.pack("<Q", 4) + struct.pack("<I", 0) + struct.pack("<Q", 0)
    out += b"\x00" * (-len(out) % 32)
    out += struct.pack("<4f", 0.5, -0.25, 1.0, 0.125)
    return bytes(out)


# --------------------------------------------------------------------------
# Executables
# --------------------------------------------------------------------------

ELF_PROGRAM_C = r"""
#include <stdlib.h>
int main(void) { return system("echo sentrascan-fixture"); }
"""

ELF_LIBRARY_C = r"""
#include <dlfcn.h>
void *custom_op_load(const char *name) { return dlopen(name, RTLD_NOW); }
"""


def gcc(source: str, shared: bool) -> bytes:
    """A stripped x86-64 ELF built by gcc, with no build id (reproducible per compiler)."""
    with tempfile.TemporaryDirectory() as d:
        src = Path(d, "x.c")
        src.write_text(source)
        out = Path(d, "x")
        args = ["gcc", "-O2", "-s", "-Wl,--build-id=none", "-o", str(out), str(src)]
        if shared:
            args[1:1] = ["-shared", "-fPIC"]
        subprocess.run(args, check=True)
        return out.read_bytes()


def pe_winexec() -> bytes:
    """A minimal PE32+ x86-64 console program importing KERNEL32.dll!WinExec; entry point `ret`."""
    dos = bytearray(64)
    dos[0:2] = b"MZ"
    dos[0x3C:0x40] = struct.pack("<I", 0x40)
    coff = struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, 240, 0x0022)
    dirs = [(0, 0)] * 16
    dirs[1] = (0x1100, 40)  # import table
    opt = struct.pack(
        "<HBBIIIIIQIIHHHHHHIIIIHHQQQQII",
        0x20B, 14, 0, 0x200, 0, 0, 0x1000, 0x1000,  # magic … base of code
        0x140000000, 0x1000, 0x200,  # image base, section and file alignment
        6, 0, 0, 0, 6, 0, 0,  # OS, image, subsystem versions, Win32VersionValue
        0x2000, 0x200, 0, 3, 0x8160,  # size of image, headers, checksum, console, DLL characteristics
        0x100000, 0x1000, 0x100000, 0x1000, 0, 16,
    ) + b"".join(struct.pack("<II", *d) for d in dirs)
    assert len(opt) == 240
    section = struct.pack("<8sIIIIIIHHI", b".text", 0x200, 0x1000, 0x200, 0x200, 0, 0, 0, 0, 0x60000020)
    headers = bytes(dos) + b"PE\0\0" + coff + opt + section
    headers += b"\0" * (0x200 - len(headers))
    body = bytearray(0x200)
    body[0] = 0xC3  # ret
    # Import descriptor at RVA 0x1100: ILT 0x1140, name 0x11A0, IAT 0x1160; then a null one.
    body[0x100:0x114] = struct.pack("<IIIII", 0x1140, 0, 0, 0x11A0, 0x1160)
    body[0x140:0x148] = struct.pack("<Q", 0x1180)
    body[0x160:0x168] = struct.pack("<Q", 0x1180)
    body[0x180:0x18A] = struct.pack("<H", 0) + b"WinExec\0"
    body[0x1A0:0x1AD] = b"KERNEL32.dll\0"
    return headers + bytes(body)


def macho_dylib() -> bytes:
    """A thin 64-bit little-endian arm64 Mach-O dylib with one undefined symbol, `_system`."""
    lib = b"/usr/lib/libSystem.B.dylib\0"
    lib += b"\0" * (-(24 + len(lib)) % 8)
    load_dylib = struct.pack("<IIIIII", 0xC, 24 + len(lib), 24, 2, 0x10000, 0x10000) + lib
    strtab = b"\0_system\0"
    strtab += b"\0" * (-len(strtab) % 8)
    ncmds = 3
    sizeofcmds = len(load_dylib) + 24 + 80
    header_len = 32 + sizeofcmds
    symoff = header_len
    stroff = symoff + 16
    symtab = struct.pack("<IIIIII", 0x2, 24, symoff, 1, stroff, len(strtab))
    # Every symbol is undefined: iundefsym 0, nundefsym 1.
    dysymtab = struct.pack("<II", 0xB, 80) + struct.pack("<18I", 0, 0, 0, 0, 0, 1, *([0] * 12))
    # MH_DYLIB, flags MH_DYLDLINK | MH_TWOLEVEL.
    header = struct.pack("<IIIIIIII", 0xFEEDFACF, 0x0100000C, 0, 6, ncmds, sizeofcmds, 0x84, 0)
    # nlist_64: n_strx 1, N_EXT | N_UNDF, no section, library ordinal 1 (libSystem), value 0.
    nlist = struct.pack("<IBBHQ", 1, 0x01, 0, 0x0100, 0)
    return header + load_dylib + symtab + dysymtab + nlist + strtab


def elf_truncated_tables(elf: bytes) -> bytes:
    """The ELF with its section-header table pointed past the end of the file."""
    b = bytearray(elf)
    b[0x28:0x30] = struct.pack("<Q", len(b) + 4096)  # e_shoff
    return bytes(b)


def java_class() -> bytes:
    """A Java class file header: cafebabe, minor 0, major 52, a tiny constant pool."""
    return bytes.fromhex("cafebabe00000034000d0a000300") + b"\x00" * 64


# --------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------


def benign_vocabulary() -> bytes:
    """A tokenizer.json-shaped vocabulary: real BPE-style pieces, including
    the lookalikes (`sk-`, `hf_`, `password`, `ghp_`, `AIza`, hex digests)."""
    words = (
        "the of and to in is for on that with as by this be are from at or an it not "
        "model token tokenizer password passwd secret api key api_key access_token "
        "sk sk- sk-learn scikit hf hf_ hf_hub hf_transfer ghp ghp_ gho xoxb xoxb- AIza AKIA "
        "eyJ private_key BEGIN PRIVATE KEY END github gitlab slack stripe openai anthropic "
        "learning deep neural network transformer attention layer weight bias embedding "
        "postgres redis mysql mongodb amqp localhost user admin root example sample"
    ).split()
    vocab: dict[str, int] = {}
    for w in words:
        for form in (w, "\u0120" + w, w.capitalize(), w.upper(), w + "s"):
            vocab.setdefault(form, len(vocab))
    # Subword pieces of every word, as a BPE vocabulary has.
    for w in words:
        for i in range(len(w)):
            for j in range(i + 2, min(len(w), i + 6) + 1):
                vocab.setdefault(w[i:j], len(vocab))
    # Byte-level pieces and hex digests (file hashes in model cards, merges).
    for i in range(256):
        vocab.setdefault(f"<0x{i:02X}>", len(vocab))
    digest_rng = random.Random(11)
    for _ in range(32):
        vocab.setdefault("".join(digest_rng.choice("0123456789abcdef") for _ in range(64)), len(vocab))
    merges = [f"{a} {b}" for a, b in zip(words, words[1:])]
    doc = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": 0, "content": "<unk>", "special": True}],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "vocab": vocab, "merges": merges},
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode()


def benign_model_card() -> bytes:
    return (
        "---\nlicense: apache-2.0\nlibrary_name: transformers\n---\n"
        "# Example model\n\n"
        "Set your token with `export HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` and, for the S3 mirror,\n"
        "the credentials from the AWS documentation example:\n\n"
        "```\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n```\n\n"
        "The OpenAI baseline used `sk-...` keys from the environment (`OPENAI_API_KEY`).\n"
        "Connect the feature store with `postgresql://user:password@localhost:5432/features`.\n"
        "Weights sha256: 3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b\n"
    ).encode()


def gcp_service_account() -> bytes:
    doc = {
        "type": "service_account",
        "project_id": "sentrascan-fixture",
        "private_key_id": rand(40, "0123456789abcdef"),
        "private_key": PKCS8_KEY,
        "client_email": "trainer@sentrascan-fixture.iam.gserviceaccount.com",
        "client_id": rand(21, "0123456789"),
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return json.dumps(doc, indent=2).encode()


def build(elf_program: bytes, elf_library: bytes) -> list[tuple[str, bytes, list[tuple[str, str]]]]:
    """(path, bytes, [(rule, severity)]) for every fixture; [] for benign ones."""
    EMPTY_NPY = npy_empty()
    config = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": 64,
        "hub_token": GITHUB,
        "transformers_version": "4.44.0",
    }
    return [
        ("secrets/SEC001_config_github_token.json", json.dumps(config, indent=2).encode(), [("SEC001", "HIGH")]),
        (
            "secrets/SEC001_pickle_string_hf_token.pkl",
            pickle_dict([("epochs", 3), ("push_to_hub_token", HF), ("output_dir", "checkpoints/run-1")]),
            [("SEC001", "HIGH")],
        ),
        (
            "secrets/SEC001_gguf_metadata_slack_webhook.gguf",
            gguf([("general.architecture", "llama"), ("general.name", "fixture"), ("general.notes", f"alerts: {SLACK_WEBHOOK}")]),
            [("SEC001", "HIGH"), ("GGUF009", "LOW")],
        ),
        (
            "secrets/SEC002_zip_member_ssh_key.zip",
            zip_bytes([("model/config.json", b'{"hidden_size": 64}'), ("model/deploy/id_ed25519", OPENSSH_KEY.encode())]),
            [("SEC002", "HIGH")],
        ),
        ("secrets/SEC003_gcp_service_account.json", gcp_service_account(), [("SEC003", "HIGH")]),
        (
            "secrets/SEC003_safetensors_metadata_aws_key.safetensors",
            safetensors({"format": "pt", "aws_secret_access_key": AWS_SECRET}),
            [("SEC003", "HIGH")],
        ),
        (
            "secrets/SEC004_connection_url.txt",
            f"FEATURE_STORE=postgresql://trainer:{DB_PASSWORD}@db.internal.corp:5432/features\n".encode(),
            [("SEC004", "MEDIUM")],
        ),
        (
            "secrets/SEC005_pickle_string_jwt.pkl",
            pickle_dict([("lr", 1), ("auth_header", f"Bearer {JWT}")]),
            [("SEC005", "MEDIUM")],
        ),
        (
            "secrets/SEC006_zip_comment_api_key.zip",
            zip_bytes([("weights.npy", EMPTY_NPY)], comment=f"uploaded by ci; api_key={API_KEY}".encode()),
            [("SEC006", "MEDIUM")],
        ),
        ("secrets/benign_tokenizer.json", benign_vocabulary(), []),
        ("secrets/benign_README.md", benign_model_card(), []),
        # Executables.
        ("executables/EXE002_elf_program", elf_program, [("EXE002", "HIGH")]),
        ("executables/EXE002_elf_custom_op.so", elf_library, [("EXE002", "MEDIUM")]),
        ("executables/EXE002_elf_library_named_pytorch_model.bin", elf_library, [("EXE002", "HIGH")]),
        ("executables/EXE002_pe_program.exe", pe_winexec(), [("EXE002", "HIGH")]),
        ("executables/EXE002_macho_dylib.dylib", macho_dylib(), [("EXE002", "MEDIUM")]),
        (
            "executables/EXE001_zip_member_pe.zip",
            zip_bytes([("model/config.json", b'{"hidden_size": 64}'), ("model/tools/updater.exe", pe_winexec())]),
            [("EXE001", "HIGH")],
        ),
        (
            "executables/EXE001_tar_member_macho_dylib.tar",
            tar_bytes([("model/weights.npy", EMPTY_NPY), ("model/libcustom_op.dylib", macho_dylib())]),
            [("EXE001", "HIGH")],
        ),
        (
            "executables/EXE003_pickle_bytes_elf.pkl",
            pickle_dict([("epochs", 3), ("kernel", elf_program)]),
            [("EXE003", "HIGH")],
        ),
        (
            "executables/EXE004_elf_truncated_tables.so",
            elf_truncated_tables(elf_library),
            [("EXE004", "MEDIUM"), ("EXE002", "MEDIUM")],
        ),
        ("executables/benign_java_class.class", java_class(), []),
        ("executables/benign_mz_prefixed_tensor.bin", b"MZ" + bytes(RNG.randrange(256) for _ in range(510)), []),
    ]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="verify the files on disk instead of writing")
    args = ap.parse_args()
    if shutil.which("gcc") is None:
        print("gcc is needed for the ELF fixtures", file=sys.stderr)
        return 1
    elf_program = gcc(ELF_PROGRAM_C, shared=False)
    elf_library = gcc(ELF_LIBRARY_C, shared=True)
    fixtures = build(elf_program, elf_library)
    lines = [
        "# Secrets and executables fixtures. GENERATED by",
        "# testdata/gen/generate_secrets_fixtures.py; see testdata/README.md.",
        "# path<TAB>RULE<TAB>SEVERITY (a benign file: -<TAB>-, nothing above LOW)",
    ]
    bad = []
    for path, data, expected in fixtures:
        target = ROOT / path
        if args.check:
            # ELF bytes depend on the compiler: only their presence is checked.
            if not target.is_file() or ("elf" not in path and target.read_bytes() != data):
                bad.append(path)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for rule, sev in expected or [("-", "-")]:
            lines.append(f"{path}\t{rule}\t{sev}")
    manifest = "\n".join(lines) + "\n"
    if args.check:
        if (ROOT / "expected-secrets.tsv").read_text() != manifest:
            bad.append("expected-secrets.tsv")
        if bad:
            print("out of date:", *bad, sep="\n  ", file=sys.stderr)
            return 1
        return 0
    (ROOT / "expected-secrets.tsv").write_text(manifest)
    print(f"wrote {len(fixtures)} fixtures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
