"""Writes the operator types registered by the pinned paddlepaddle as the
PDL rules' known-operator table (crates/detectors/src/rules/paddle/known_ops.txt).

    FLAGS_enable_pir_api=0 python testdata/gen/generate_paddle_known_ops.py
"""
import pathlib

import paddle
from paddle.base import core

OUT = pathlib.Path(__file__).resolve().parents[2] / "crates/detectors/src/rules/paddle/known_ops.txt"
ops = sorted(set(core.get_all_op_names()))
OUT.write_text(f"# operator types registered by paddlepaddle {paddle.__version__}\n" + "\n".join(ops) + "\n")
print(OUT, len(ops))
