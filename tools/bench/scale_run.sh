#!/usr/bin/env bash
# Scale run of the built-in synthesis chain (not in CI; docs/benchmarks.md "Synthesis chain").
#
#   tools/bench/scale_run.sh [SCENES=2000] [CLIPS=SCENES/50] [NP=2]
#
# Generates SCENES images + CLIPS clips at 640x360 and a separate exemplar corpus (seed 99,
# 200 scenes), then runs ingest -> segment -> build-db -> retrieve -> caption -> qa -> merge with
# NP ranks, each rank under GNU time (-v): wall time per stage and peak RSS per rank. Prints a
# Markdown table, the QA samples made, and the projected wall time for TARGET (default 200000)
# samples on 1 node (stage times scale linearly with the number of scenes; merge and tokenizer
# read every shard once). Run it at two sizes to check that peak RSS per rank stays flat.
# Environment: BUILD (default build), WORK (default a temp dir, kept), TARGET.
set -euo pipefail
SCENES=${1:-2000}
CLIPS=${2:-$((SCENES / 50))}
NP=${3:-2}
TARGET=${TARGET:-200000}
BUILD=$(cd "${BUILD:-build}" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$(mktemp -d /tmp/cf-scale.XXXXXX)}
J=$BUILD/jobs
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$WORK/time"
stage() {  # stage NAME NP cf-binary args...: every rank under /usr/bin/time -v
  local name=$1 np=$2; shift 2
  local t0 t1
  t0=$(date +%s.%N)
  mpirun -np "$np" --oversubscribe --bind-to none sh -c \
    '/usr/bin/time -v -o "$0-rank${OMPI_COMM_WORLD_RANK:-0}.txt" "$@"' "$WORK/time/$name" "$J/$@" \
    > "$WORK/time/$name.json" 2> "$WORK/time/$name.log"
  t1=$(date +%s.%N)
  echo "$name $(echo "$t1 - $t0" | bc)" >> "$WORK/time/wall.txt"
}
: > "$WORK/time/wall.txt"
size=(--set scenegen.width=640 --set scenegen.height=360)
stage scenegen "$NP" cf-scenegen --set "io.output=$WORK/corpus" --set "scenegen.images=$SCENES" --set "scenegen.clips=$CLIPS" "${size[@]}"
stage scenegen_db "$NP" cf-scenegen --set "io.output=$WORK/corpus_db" --set scenegen.seed=99 --set scenegen.images=200 --set scenegen.clips=0 "${size[@]}"
stage ingest "$NP" cf-ingest --set "io.input=$WORK/corpus" --set "io.output=$WORK/ingest"
stage segment "$NP" cf-segment --set "io.input=$WORK/ingest" --set "io.output=$WORK/segment"
stage build_db "$NP" cf-build-db --set "io.input=$WORK/corpus_db" --set "io.output=$WORK/db"
stage retrieve "$NP" cf-retrieve --set "io.input=$WORK/segment" --set "io.images=$WORK/ingest" --set "retrieve.db=$WORK/db" \
  --set "retrieve.knowledge_base=$SRC/configs/knowledge_base.jsonl" --set "io.output=$WORK/retrieve"
stage caption "$NP" cf-caption --set "io.input=$WORK/retrieve" --set "io.regions=$WORK/segment" --set "io.images=$WORK/ingest" \
  --set "io.output=$WORK/caption"
stage qa "$NP" cf-qa --set "io.input=$WORK/caption" --set "io.retrieve=$WORK/retrieve" --set "io.output=$WORK/qa"
stage merge "$NP" cf-merge --set "io.input=$WORK/qa" --set "io.caption=$WORK/caption" --set "io.retrieve=$WORK/retrieve" \
  --set "io.regions=$WORK/segment" --set "io.images=$WORK/ingest" --set "io.output=$WORK/merged"
/usr/bin/python3 - "$WORK" "$SCENES" "$CLIPS" "$NP" "$TARGET" <<'PYEOF'
import glob, json, os, re, sys
work, scenes, clips, np_, target = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
wall = dict(l.split() for l in open(os.path.join(work, "time/wall.txt")))
stats = json.load(open(os.path.join(work, "merged/stats.json")))
samples = stats["samples"]["total"]
print(f"scenes {scenes}, clips {clips}, ranks {np_}: {samples} samples ({samples / scenes:.1f} per scene)")
print("| stage | wall s | peak RSS per rank (MiB) |\n|---|---|---|")
chain = 0.0
for name, secs in wall.items():
    rss = []
    for f in sorted(glob.glob(os.path.join(work, f"time/{name}-rank*.txt"))):
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f).read())
        rss.append(f"{int(m.group(1)) / 1024:.0f}" if m else "?")
    print(f"| {name} | {float(secs):.1f} | {' / '.join(rss)} |")
    if name not in ("scenegen", "scenegen_db", "build_db"):
        chain += float(secs)
scale = target / samples
print(f"\nchain ingest..merge: {chain:.1f} s; projected for {target} samples on this node ({np_} ranks): "
      f"{chain * scale:.0f} s ({chain * scale / 3600:.2f} h), on N such nodes about {chain * scale / 3600:.2f}/N h")
PYEOF
echo "outputs kept in $WORK"
