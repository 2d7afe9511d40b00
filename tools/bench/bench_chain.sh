#!/usr/bin/env bash
# Built-in synthesis chain benchmark (docs/benchmarks.md "Synthesis chain (issue 4)").
#
#   tools/bench/bench_chain.sh [N=200]
#
# One corpus of N 640x360 scenes (no clips), ingested once (not timed), and an exemplar
# database from a separate corpus (seed 99, 100 scenes; not timed). Then the chain
# segment -> retrieve -> caption -> qa -> merge runs twice into fresh outputs: 1 rank, then
# 2 ranks, run.threads=1 per rank. Prints per-stage seconds (each job's own "seconds") and
# images/s, the whole chain's images/s per core, and the 1 -> 2 rank speed-up of the same script.
# Environment: BUILD (default build), KEEP=1 keeps the temp dir.
set -euo pipefail
N=${1:-200}
BUILD=$(cd "${BUILD:-build}" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
J=$BUILD/jobs
W=$(mktemp -d /tmp/cf-bench-chain.XXXXXX)
[[ ${KEEP:-0} == 1 ]] || trap 'rm -rf "$W"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
size=(--set scenegen.width=640 --set scenegen.height=360 --set scenegen.clips=0)
"$J/cf-scenegen" --set "io.output=$W/corpus" --set "scenegen.images=$N" "${size[@]}" > /dev/null 2>&1
"$J/cf-scenegen" --set "io.output=$W/corpus_db" --set scenegen.seed=99 --set scenegen.images=100 "${size[@]}" > /dev/null 2>&1
"$J/cf-ingest" --set "io.input=$W/corpus" --set "io.output=$W/ingest" > /dev/null 2>&1
"$J/cf-build-db" --set "io.input=$W/corpus_db" --set "io.output=$W/db" > /dev/null 2>&1
chain() {  # chain NP TAG
  local np=$1 o=$W/$2
  local run=(mpirun -np "$np" --oversubscribe --bind-to none)
  local one=(--set run.threads=1)
  "${run[@]}" "$J/cf-segment" --set "io.input=$W/ingest" --set "io.output=$o/segment" "${one[@]}" > "$o-segment.json" 2> /dev/null
  "${run[@]}" "$J/cf-retrieve" --set "io.input=$o/segment" --set "io.images=$W/ingest" --set "retrieve.db=$W/db" \
    --set "retrieve.knowledge_base=$SRC/configs/knowledge_base.jsonl" --set "io.output=$o/retrieve" "${one[@]}" > "$o-retrieve.json" 2> /dev/null
  "${run[@]}" "$J/cf-caption" --set "io.input=$o/retrieve" --set "io.regions=$o/segment" --set "io.images=$W/ingest" \
    --set "io.output=$o/caption" "${one[@]}" > "$o-caption.json" 2> /dev/null
  "${run[@]}" "$J/cf-qa" --set "io.input=$o/caption" --set "io.retrieve=$o/retrieve" --set "io.output=$o/qa" "${one[@]}" > "$o-qa.json" 2> /dev/null
  "${run[@]}" "$J/cf-merge" --set "io.input=$o/qa" --set "io.caption=$o/caption" --set "io.retrieve=$o/retrieve" \
    --set "io.regions=$o/segment" --set "io.images=$W/ingest" --set "io.output=$o/merged" "${one[@]}" > "$o-merge.json" 2> /dev/null
}
chain 1 r1
chain 2 r2
/usr/bin/python3 - "$W" "$N" <<'PYEOF'
import json, sys
w, n = sys.argv[1], int(sys.argv[2])
stages = ["segment", "retrieve", "caption", "qa", "merge"]
t = {tag: {s: json.load(open(f"{w}/{tag}-{s}.json"))["seconds"] for s in stages} for tag in ("r1", "r2")}
print(f"{n} images 640x360, run.threads=1 per rank\n")
print("| stage | 1 rank s | img/s | 2 ranks s | img/s | speed-up |\n|---|---|---|---|---|---|")
for s in stages:
    a, b = t["r1"][s], t["r2"][s]
    print(f"| {s} | {a:.2f} | {n / a:.1f} | {b:.2f} | {n / b:.1f} | {a / b:.2f}x |")
a, b = sum(t["r1"].values()), sum(t["r2"].values())
print(f"| chain | {a:.2f} | {n / a:.1f} | {b:.2f} | {n / b:.1f} | {a / b:.2f}x |")
print(f"\nchain images/s per core: {n / a:.1f} (1 rank), {n / b / 2:.1f} (2 ranks)")
PYEOF
