#!/usr/bin/env python3
"""Shrinks fuzz/corpus/<target>/ (already `cargo fuzz cmin`-ed) to a
commit-sized set: at most --max-files files and --max-bytes bytes.

How files are chosen: libFuzzer's `-set_cover_merge=1` records, for every
input, all coverage edges (COV) and features (FT) it hits. A lazy greedy set
cover then repeatedly keeps the input that adds the most not-yet-covered
edges (weighted x16) plus features, preferring the smaller input on ties
and charging a small per-KiB cost, until the caps are reached or nothing
new is added. Edges dropped by the cap are reported.

Usage (from fuzz/): python3 scripts/cap_corpus.py <target> [--max-files 300] [--max-bytes 2000000]
Needs the target built (`cargo fuzz build <target>`).
"""
import argparse, heapq, os, shutil, subprocess, sys, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("target")
ap.add_argument("--max-files", type=int, default=300)
ap.add_argument("--max-bytes", type=int, default=2_000_000)
ap.add_argument("--triple", default="x86_64-unknown-linux-gnu")
args = ap.parse_args()

corpus = os.path.join("corpus", args.target)
binary = os.path.join("target", args.triple, "release", args.target)
tmp = tempfile.mkdtemp()
ctl = os.path.join(tmp, "ctl.txt")
os.mkdir(os.path.join(tmp, "out"))
env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
subprocess.run([binary, "-set_cover_merge=1", "-detect_leaks=0", "-rss_limit_mb=2048", "-timeout=10",
                f"-merge_control_file={ctl}", os.path.join(tmp, "out"), corpus],
               env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

lines = open(ctl).read().splitlines()
n = int(lines[0])
files = lines[2:2 + n]
ft, cov = {}, {}
for l in lines[2 + n:]:
    parts = l.split()
    if parts and parts[0] in ("FT", "COV"):
        (ft if parts[0] == "FT" else cov)[int(parts[1])] = set(map(int, parts[2:]))
size = {i: os.path.getsize(f) for i, f in enumerate(files)}
all_ft = set().union(*ft.values()) if ft else set()
all_cov = set().union(*cov.values()) if cov else set()

def score(i, have_ft, have_cov):
    gain = 16 * len(cov.get(i, set()) - have_cov) + len(ft.get(i, set()) - have_ft)
    return gain - size[i] / 1024.0 if gain else 0

have_ft, have_cov, keep, total = set(), set(), [], 0
heap = [(-score(i, have_ft, have_cov), size[i], i) for i in range(n)]
heapq.heapify(heap)
while heap and len(keep) < args.max_files:
    s, sz, i = heapq.heappop(heap)
    cur = score(i, have_ft, have_cov)
    if cur <= 0:
        continue
    if heap and -cur > heap[0][0]:
        heapq.heappush(heap, (-cur, sz, i))
        continue
    if total + sz > args.max_bytes:
        continue
    keep.append(i)
    total += sz
    have_ft |= ft.get(i, set())
    have_cov |= cov.get(i, set())

kept = {os.path.basename(files[i]) for i in keep}
for f in os.listdir(corpus):
    if f not in kept:
        os.remove(os.path.join(corpus, f))
shutil.rmtree(tmp)
print(f"{args.target}: {n} -> {len(keep)} files, {total} bytes; "
      f"edges {len(have_cov)}/{len(all_cov)}, features {len(have_ft)}/{len(all_ft)}")
