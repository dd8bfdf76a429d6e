#!/usr/bin/env bash
# Remote-source benchmark: a 1 GB SafeTensors file served over loopback HTTP,
# downloaded and scanned with --stream, against the download alone (curl to
# a file on the same disk). Best of RUNS wall times; peak RSS from GNU time.
#
#   cargo build --release -p sentrascan-model
#   crates/sources/bench/loopback.sh [SIZE_MB]     # default 1024
#
# Needs python3 (its http.server is the loopback server), curl and
# /usr/bin/time. Prints a Markdown table for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
BIN=${BIN:-target/release/sentrascan-model}
SIZE_MB=${1:-1024}
RUNS=${RUNS:-3}
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

mkdir -p "$WORK/srv" "$WORK/tmp"
# A SafeTensors file: 8-byte header length, JSON header, SIZE_MB of
# incompressible data.
python3 - "$WORK/srv/model.safetensors" "$SIZE_MB" <<'PY'
import json, os, struct, sys
path, mb = sys.argv[1], int(sys.argv[2])
n = mb * 1024 * 1024
header = json.dumps({"w": {"dtype": "U8", "shape": [n], "data_offsets": [0, n]}}).encode()
header += b" " * (-len(header) % 8)
with open(path, "wb") as f:
    f.write(struct.pack("<Q", len(header)) + header)
    chunk = os.urandom(1 << 20)
    for i in range(mb):
        f.write(chunk[i % 7:] + chunk[:i % 7])
PY
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$WORK/srv" "$PORT" >/dev/null 2>&1 &
SERVER=$!
URL="http://127.0.0.1:$PORT/model.safetensors"
for _ in $(seq 50); do curl -s -o /dev/null "$URL" --max-filesize 1 2>/dev/null && break; sleep 0.1; done

# best wall time and the peak RSS of that run, for a command
measure() {
  local best="" rss=""
  for _ in $(seq "$RUNS"); do
    local out
    /usr/bin/time -o "$WORK/time" -f '%e %M' "$@" >/dev/null 2>&1 || true
    out=$(tail -1 "$WORK/time")
    local t=${out% *} m=${out#* }
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; rss=$m; fi
    rm -f "$WORK/tmp/dl"
  done
  echo "$best $rss"
}

export TMPDIR="$WORK/tmp"
read -r T_DL R_DL < <(measure curl -s -o "$WORK/tmp/dl" "$URL")
read -r T_256 R_256 < <(measure "$BIN" scan --stream -q -f json -o /dev/null --hashes sha256 "$URL")
read -r T_ALL R_ALL < <(measure "$BIN" scan --stream -q -f json -o /dev/null "$URL")
read -r T_NONE R_NONE < <(measure "$BIN" scan --stream -q -f json -o /dev/null --hashes none "$URL")

ratio() { awk "BEGIN{printf \"%.2f\", $1 / $2}"; }
mb() { awk "BEGIN{printf \"%.1f\", $1 / 1024}"; }
echo "| what | wall | ÷ download | peak RSS |"
echo "|---|---|---|---|"
echo "| download alone (\`curl -o file\`) | ${T_DL} s | 1.00× | $(mb "$R_DL") MB |"
echo "| \`scan --stream --hashes none\` | ${T_NONE} s | $(ratio "$T_NONE" "$T_DL")× | $(mb "$R_NONE") MB |"
echo "| \`scan --stream --hashes sha256\` | ${T_256} s | $(ratio "$T_256" "$T_DL")× | $(mb "$R_256") MB |"
echo "| \`scan --stream\` (SHA-256, SHA-1, MD5) | ${T_ALL} s | $(ratio "$T_ALL" "$T_DL")× | $(mb "$R_ALL") MB |"
