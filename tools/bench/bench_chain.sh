#!/usr/bin/env bash
# Built-in synthesis chain benchmark (docs/benchmarks.md "Synthesis chain (issue 4)").
#
#   tools/bench/bench_chain.sh [N=200]
#
# One corpus of N 640x360 scenes (no clips), ingested once (not timed), and an exemplar
# database from a separate corpus (seed 99, DB_SCENES=1500 scenes, as the quality run in
# docs/benchmarks.md: ~43.7k vectors, HNSW; not timed). Then the chain
# segment -> retrieve -> caption -> qa -> merge runs twice into fresh outputs: 1 rank, then
# 2 ranks, run.threads=1 per rank. Prints per-stage seconds (each job's own "seconds") and
# images/s, the whole chain's images/s per core, and the 1 -> 2 rank speed-up of the same script,
# with the CPU other processes used meanwhile ("other load" in cores, from /proc/stat minus the
# stage's own user+sys, as tools/bench/bench_ingest.sh): 2 ranks on 2 cores only measure
# scaling when that is ~0.
# Environment: BUILD (default build), KEEP=1 keeps the temp dir, DB=dir reuses a database
# (e.g. KEEP=1's $W/db), DB_SCENES=1500 its corpus size otherwise.
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
"$J/cf-ingest" --set "io.input=$W/corpus" --set "io.output=$W/ingest" > /dev/null 2>&1
if [[ -n ${DB:-} ]]; then  # a database built before (the same command, kept with KEEP=1)
  ln -s "$(cd "$DB" && pwd)" "$W/db"
else
  mpirun -np 2 --oversubscribe --bind-to none "$J/cf-scenegen" --set "io.output=$W/corpus_db" --set scenegen.seed=99 \
    --set "scenegen.images=${DB_SCENES:-1500}" "${size[@]}" > /dev/null 2>&1
  mpirun -np 2 --oversubscribe --bind-to none "$J/cf-build-db" --set "io.input=$W/corpus_db" --set "io.output=$W/db" > /dev/null 2>&1
fi
HZ=$(getconf CLK_TCK)
cpustat() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
timed() {  # timed FILE CMD...: FILE.cpu gets "wall user sys machine_busy" in seconds
  local f=$1 b0 b1; shift
  b0=$(cpustat)
  /usr/bin/time -f "%e %U %S" -o "$f.time" "$@"
  b1=$(cpustat)
  echo "$(tail -1 "$f.time") $(awk -v a="$b0" -v b="$b1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')" > "$f.cpu"
}
chain() {  # chain NP TAG
  local np=$1 o=$W/$2
  local mpi=(mpirun -np "$np" --oversubscribe --bind-to none)
  local one=(--set run.threads=1)
  timed "$o-segment" "${mpi[@]}" "$J/cf-segment" --set "io.input=$W/ingest" --set "io.output=$o/segment" "${one[@]}" > "$o-segment.json" 2> /dev/null
  timed "$o-retrieve" "${mpi[@]}" "$J/cf-retrieve" --set "io.input=$o/segment" --set "io.images=$W/ingest" --set "retrieve.db=$W/db" \
    --set "retrieve.knowledge_base=$SRC/configs/knowledge_base.jsonl" --set "io.output=$o/retrieve" "${one[@]}" > "$o-retrieve.json" 2> /dev/null
  timed "$o-caption" "${mpi[@]}" "$J/cf-caption" --set "io.input=$o/retrieve" --set "io.regions=$o/segment" --set "io.images=$W/ingest" \
    --set "io.output=$o/caption" "${one[@]}" > "$o-caption.json" 2> /dev/null
  timed "$o-qa" "${mpi[@]}" "$J/cf-qa" --set "io.input=$o/caption" --set "io.retrieve=$o/retrieve" --set "io.output=$o/qa" "${one[@]}" > "$o-qa.json" 2> /dev/null
  timed "$o-merge" "${mpi[@]}" "$J/cf-merge" --set "io.input=$o/qa" --set "io.caption=$o/caption" --set "io.retrieve=$o/retrieve" \
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
def other(tag, s):  # cores used by other processes during the stage
    wall, user, sys_, busy = map(float, open(f"{w}/{tag}-{s}.cpu").read().split())
    return max(0.0, busy - user - sys_) / wall, wall
a, b = sum(t["r1"].values()), sum(t["r2"].values())
print(f"| chain | {a:.2f} | {n / a:.1f} | {b:.2f} | {n / b:.1f} | {a / b:.2f}x |")
print("\nother load (cores, mean over the stage's wall time), 1 rank / 2 ranks:")
for s in stages:
    print(f"  {s}: {other('r1', s)[0]:.2f} / {other('r2', s)[0]:.2f}")
for tag in ("r1", "r2"):
    tot = sum(other(tag, s)[0] * other(tag, s)[1] for s in stages) / sum(other(tag, s)[1] for s in stages)
    print(f"  chain {tag}: {tot:.2f}")
def own(tag, s):  # CPU seconds of the stage's own processes (all ranks, mpirun included)
    wall, user, sys_, busy = map(float, open(f"{w}/{tag}-{s}.cpu").read().split())
    return user + sys_
print("\nimages per own CPU second (what a core does when the machine is not shared), 1 rank / 2 ranks:")
for s in stages:
    print(f"  {s}: {n / own('r1', s):.1f} / {n / own('r2', s):.1f}")
print(f"  chain: {n / sum(own('r1', s) for s in stages):.1f} / {n / sum(own('r2', s) for s in stages):.1f}")
print(f"\nchain images/s per core: {n / a:.1f} (1 rank), {n / b / 2:.1f} (2 ranks)")
PYEOF
