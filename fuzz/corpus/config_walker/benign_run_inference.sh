#!/usr/bin/env bash
# Runs the fixture model on a prompt.
set -euo pipefail
MODEL_DIR="$(cd "$(dirname "$0")" && pwd)"
python -m tinyformer.generate --model "$MODEL_DIR" --prompt "${1:-Hello}" --max-new-tokens 16
