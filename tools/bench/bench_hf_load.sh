#!/usr/bin/env bash
# HF checkpoint loading benchmark (docs/benchmarks.md, section "HF checkpoints (issue 9)").
#
#   tools/bench/bench_hf_load.sh [HIDDEN=2048] [LAYERS=8]
#
# Makes a random-weight bf16 LlamaForCausalLM checkpoint (tools/bench/make_hf_checkpoint.py,
# ~1 GB at the defaults), then REPEAT (default 3) interleaved rounds of
#   (a) a plain read of model.safetensors (dd bs=16M to /dev/null; page cache warm), and a read
#       of it into one fresh buffer (python open().read(): allocation + page faults + copy),
#   (b) `cf-convert inspect DIR --check`: builds the model and loads every tensor (bf16), timed
#       inside the process (build / copy), with the peak RSS of the process before and after.
# Prints a Markdown table: load bandwidth vs the plain read's, peak RSS vs the file size (both
# the whole process and the growth during the load), and the CPU other processes used meanwhile
# ("other load", /proc/stat busy jiffies minus ours). Needs /usr/bin/python3 with numpy.
# Environment: BUILD (default build), REPEAT, BENCH_TMP (parent of the temp dir), KEEP=1.
set -euo pipefail
HIDDEN=${1:-2048}
LAYERS=${2:-8}
REPEAT=${REPEAT:-3}
BUILD=${BUILD:-build}
TOOL=$BUILD/jobs/cf-convert
HERE=$(cd "$(dirname "$0")" && pwd)
[[ -x $TOOL ]] || { echo "bench_hf_load: missing $TOOL (build cf-convert first)" >&2; exit 2; }
T=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/cf-bench-hf.XXXXXX")
cleanup() { if [[ ${KEEP:-0} == 1 ]]; then echo "kept $T" >&2; else rm -rf "$T"; fi; }
trap cleanup EXIT

cpustat() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
ticks=$(getconf CLK_TCK)

/usr/bin/python3 "$HERE/make_hf_checkpoint.py" "$T/ckpt" "$HIDDEN" "$LAYERS" >/dev/null
FILE=$T/ckpt/model.safetensors
BYTES=$(stat -c %s "$FILE")
cat "$FILE" >/dev/null  # warm the page cache once

for r in $(seq "$REPEAT"); do
  b0=$(cpustat); s0=$(date +%s.%N)
  dd if="$FILE" of=/dev/null bs=16M status=none
  s1=$(date +%s.%N); b1=$(cpustat)
  echo "read $r $(echo "$s1 - $s0" | bc -l) $(( b1 - b0 ))" >>"$T/rows"
  echo "fresh $r $(/usr/bin/python3 -c "import time; t=time.time(); b=open('$FILE','rb').read(); print(time.time()-t)")" >>"$T/rows"
  b0=$(cpustat)
  /usr/bin/time -f "%e %U %S" -o "$T/time" "$TOOL" inspect "$T/ckpt" --check >"$T/load.json"
  b1=$(cpustat)
  echo "load $r $(cat "$T/time") $(( b1 - b0 )) $(/usr/bin/python3 -c "import json; l=json.load(open('$T/load.json'))['load']; print(l['seconds'], l['build_seconds'], l['copy_seconds'], int(l['max_rss_before_bytes']), int(l['max_rss_bytes']))")" >>"$T/rows"
done

/usr/bin/python3 - "$T/rows" "$BYTES" "$ticks" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
size, hz = int(sys.argv[2]), int(sys.argv[3])
print(f"checkpoint: {size / 1e9:.3f} GB (bf16), rounds: {sum(r[0] == 'load' for r in rows)}\n")
print("| round | plain read GB/s | read into fresh buffer GB/s | load s (build + copy) | load GB/s | load / plain read | load / fresh read | peak RSS / file | RSS growth / file | other load (cores) |")
print("|---|---|---|---|---|---|---|---|---|---|")
reads = {r[1]: r for r in rows if r[0] == "read"}
fresh = {r[1]: float(r[2]) for r in rows if r[0] == "fresh"}
for r in rows:
    if r[0] != "load":
        continue
    rd = reads[r[1]]
    read_s = float(rd[2])
    wall, user, sys_, busy = float(r[2]), float(r[3]), float(r[4]), int(r[5]) / hz
    load_s, build_s, copy_s, rss0, rss1 = float(r[6]), float(r[7]), float(r[8]), int(r[9]), int(r[10])
    other = max(0.0, (busy - user - sys_) / wall)
    fr = fresh[r[1]]
    print(f"| {r[1]} | {size / read_s / 1e9:.2f} | {size / fr / 1e9:.2f} | {load_s:.3f} ({build_s:.3f} + {copy_s:.3f}) | "
          f"{size / load_s / 1e9:.2f} | {read_s / load_s:.2f} | {fr / load_s:.2f} | {rss1 / size:.3f} | {(rss1 - rss0) / size:.3f} | {other:.2f} |")
PY
