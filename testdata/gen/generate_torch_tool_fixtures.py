#!/usr/bin/env python3
"""Files written by PyTorch's own exporters (torch 2.5, torchvision 0.20,
executorch 0.4), beside the hand-built ones of the other generators: what
real benign TorchScript, lite-interpreter, ExecuTorch and full-module files
look like, and custom operators made the way users make them.

- TorchScript from `torch.jit.script` and `torch.jit.trace` of torchvision
  blocks (BatchNorm raises `"builtins.ValueError"`, annotations name
  `__torch__.torchvision.ops.misc`);
- `torch.save` of whole modules: a tiny `nn.Transformer` (keeps
  `F.relu` as an attribute) and a dynamically quantized MLP (packed
  parameters pickled as `torch.ScriptObject`);
- `.pte` from EXIR: `torch.export` -> `executorch.exir.to_edge` ->
  `to_executorch()`, plain and lowered to the XNNPACK delegate;
- `.ptl` from `torch.jit.script(m)._save_for_lite_interpreter(...)`;
- a custom operator defined with `torch.library` (namespace `sentrascan`,
  it only copies its input) used by a model, exported both ways: the
  loader needs a kernel library nobody reviewed.

Needs the pinned packages of requirements-torch-tools.txt in a throwaway
venv (torch and executorch are large) and Debian's `flatc`
(flatbuffers-compiler), which EXIR runs to write the flatbuffer. Writes
testdata/{torch_tools,executorch,pytorch_mobile}/ and
testdata/expected-torch-tools.tsv. Nothing is loaded or run but the tools'
own export. Run from the repository root:

    python3 -m venv /tmp/tt && /tmp/tt/bin/pip install -r testdata/gen/requirements-torch-tools.txt
    /tmp/tt/bin/python testdata/gen/generate_torch_tool_fixtures.py
"""

import os

import torch
from executorch.exir import EdgeCompileConfig, to_edge
from torch.export import export

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MANIFEST = []


def record(rel, *expected):
    if not expected:
        MANIFEST.append(f"{rel}\t-\t-")
    for rule, sev in expected:
        MANIFEST.append(f"{rel}\t{rule}\t{sev}")


def write(rel, data, *expected):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    record(rel, *expected)


def path_of(rel):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def lite(rel, module, *expected):
    torch.jit.script(module)._save_for_lite_interpreter(path_of(rel))
    record(rel, *expected)


def saved(rel, obj, *expected):
    torch.save(obj, path_of(rel))
    record(rel, *expected)


def jit(rel, module, *expected):
    torch.jit.save(module, path_of(rel))
    record(rel, *expected)


class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(8, 16)
        self.fc2 = torch.nn.Linear(16, 4)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


torch.library.define("sentrascan::fixture_op", "(Tensor x) -> Tensor")
torch.library.define("sentrascan::fixture_op.out", "(Tensor x, *, Tensor(a!) out) -> Tensor(a!)")


@torch.library.impl("sentrascan::fixture_op", "CompositeExplicitAutograd")
def _fixture_op(x):
    return x.clone()


@torch.library.register_fake("sentrascan::fixture_op")
def _fixture_op_fake(x):
    return torch.empty_like(x)


@torch.library.impl("sentrascan::fixture_op.out", "CompositeExplicitAutograd")
def _fixture_op_out(x, *, out):
    out.copy_(x)
    return out


class CustomOp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 4)

    def forward(self, x):
        return torch.ops.sentrascan.fixture_op(self.fc(x))


def torchvision_block():
    from torchvision.ops.misc import Conv2dNormActivation, SqueezeExcitation

    return torch.nn.Sequential(Conv2dNormActivation(3, 8, 3), SqueezeExcitation(8, 4),
                               torch.nn.AdaptiveAvgPool2d(1)).eval()


def main():
    from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner

    torch.manual_seed(0)
    block = torchvision_block()
    jit("torch_tools/benign_scripted_torchvision_block.pt", torch.jit.script(block))
    jit("torch_tools/benign_traced_torchvision_block.pt",
        torch.jit.trace(block, torch.randn(1, 3, 16, 16)))
    lite("torch_tools/benign_lite_interpreter_torchvision_block.ptl", block)
    saved("torch_tools/benign_full_tiny_transformer.pt",
          torch.nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                               dim_feedforward=8))
    saved("torch_tools/benign_full_dynamic_quantized_mlp.pt",
          torch.ao.quantization.quantize_dynamic(
              torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2)),
              {torch.nn.Linear}, dtype=torch.qint8))
    mlp = MLP().eval()
    example = (torch.randn(1, 8),)
    write("executorch/benign_exir_mlp.pte", to_edge(export(mlp, example)).to_executorch().buffer)
    xnn = to_edge(export(mlp, example)).to_backend(XnnpackPartitioner()).to_executorch()
    write("executorch/benign_exir_mlp_xnnpack.pte", xnn.buffer, ("PTE006", "LOW"))
    custom = CustomOp().eval()
    lenient = EdgeCompileConfig(_check_ir_validity=False)
    write("executorch/PTE004_exir_custom_operator.pte",
          to_edge(export(custom, (torch.randn(1, 4),)), compile_config=lenient).to_executorch().buffer,
          ("PTE004", "MEDIUM"))
    lite("pytorch_mobile/benign_lite_interpreter_mlp.ptl", mlp)
    lite("pytorch_mobile/PTE008_lite_interpreter_custom_operator.ptl", custom,
         ("PTE008", "MEDIUM"), ("PT001", "MEDIUM"))
    with open(os.path.join(ROOT, "expected-torch-tools.tsv"), "w") as f:
        f.write("# Files written by PyTorch's own exporters (TorchScript, lite interpreter, EXIR,\n"
                "# torch.save). GENERATED by testdata/gen/generate_torch_tool_fixtures.py; see testdata/runtimes.md.\n"
                "# path<TAB>RULE<TAB>SEVERITY (a benign file: -<TAB>-, nothing above LOW).\n")
        f.write("\n".join(MANIFEST) + "\n")


if __name__ == "__main__":
    main()
