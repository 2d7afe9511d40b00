#!/usr/bin/env bash
# The demo without Slurm (slurm/demo_chain.sh with CF_NO_SLURM=1): slurm/lib/sbatch_inline.sh
# stands in for sbatch. Needs no Slurm.
#  1. the stand-in runs a job array's tasks in turn with SLURM_ARRAY_* set, fills in the --output
#     patterns (%A %a %j %%), turns --ntasks into CF_MPIRUN_NP, prints consecutive job ids and
#     fails when a task fails (after running the others);
#  2. the chain at the --small size up to build_db (the unlabeled and labeled corpora, ingest on 2
#     ranks, segment as a 2-task array, build_db) runs with mpirun: outputs complete, each array
#     task wrote its part; a re-run has nothing to submit;
#  3. resumed up to eval: the results table has its rows (direct, sft_labeled, sft, spin_r1) and
#     columns, the labeled / synthetic / eval sets come from different scenes
#     (tests/mpi/slurm_results_check.py); a re-run has nothing to submit.
source "$(dirname "$0")/common.sh"
export CF_INLINE_DIR="$SCRATCH/inline"
mkdir -p "$CF_INLINE_DIR"
INLINE="$SRC/slurm/lib/sbatch_inline.sh"

# 1. The stand-in itself.
cat > "$SCRATCH/job.sh" <<'EOF'
#!/bin/bash
echo "task ${SLURM_ARRAY_TASK_ID:-none} of ${SLURM_ARRAY_TASK_MIN:-}-${SLURM_ARRAY_TASK_MAX:-} np ${CF_MPIRUN_NP:-} args $*"
[ "${SLURM_ARRAY_TASK_ID:-0}" != 1 ]
EOF
LOGS="$SCRATCH/logs 100%"
[ "$("$INLINE" --parsable --job-name=one --output="$LOGS/%j.out" "$SCRATCH/job.sh" 'a b' 2>/dev/null)" = 1 ]
grep -qx "task none of - np  args a b" "$LOGS/1.out"
set +e
id=$("$INLINE" --array=0-2 --ntasks=2 --dependency=afterok:1 --output="$LOGS/x-%A_%a-100%%.out" "$SCRATCH/job.sh" 2>/dev/null)
rc=$?
set -e
[ "$id" = 2 ] && [ "$rc" = 1 ] || { echo "array job: id '$id', exit $rc; want 2 and 1"; exit 1; }
for t in 0 1 2; do grep -qx "task $t of 0-2 np 2 args " "$LOGS/x-2_$t-100%.out"; done
echo "sbatch_inline: ids, array tasks, output patterns and failure status as sbatch would have them"

# 2. The chain without Slurm, up to build_db.
WORK="$SCRATCH/chain"
CF_NO_SLURM=1 UNTIL=build_db BIN="$BUILD/jobs" "$SRC/slurm/demo_chain.sh" --small "$WORK" > "$SCRATCH/run1.txt" 2>&1 ||
  { cat "$SCRATCH/run1.txt"; exit 1; }
grep -q '"mpirun"' "$WORK/chain.toml"
"$BUILD/jobs/cf-status" "$WORK/ingest" "$WORK/segment"
[ -s "$WORK/db/meta.json" ]
$PY - "$WORK" <<'PYEOF'
import json, sys
work = sys.argv[1]
jobs = dict(l.split() for l in open(f"{work}/slurm/jobs.tsv"))
assert list(jobs) == ["scenegen", "scenegen_labeled", "ingest", "segment", "build_db"], jobs
plan = json.load(open(f"{work}/segment/plan.json"))
done = []
for task in (0, 1):
    lines = [l for l in open(f"{work}/slurm/logs/cf-segment-{jobs['segment']}_{task}.out") if l.startswith('{"stage"')]
    done.append(json.loads(lines[-1])["shards_done"])
assert sum(done) == plan["shards"] and all(d > 0 for d in done), (done, plan)
print("segment array tasks wrote", done, "of", plan["shards"], "shards")
PYEOF
CF_NO_SLURM=1 UNTIL=build_db BIN="$BUILD/jobs" "$SRC/slurm/demo_chain.sh" --small "$WORK" > "$SCRATCH/run2.txt" 2>&1
grep -q "nothing to submit" "$SCRATCH/run2.txt"

# 3. The rest of the chain, resumed after build_db, and the results table at its end.
CF_NO_SLURM=1 UNTIL=eval BIN="$BUILD/jobs" "$SRC/slurm/demo_chain.sh" --small "$WORK" > "$SCRATCH/run3.txt" 2>&1 ||
  { cat "$SCRATCH/run3.txt"; exit 1; }
for s in scenegen scenegen_labeled ingest segment build_db; do grep -qx "skip $s: complete" "$SCRATCH/run3.txt"; done
grep -q '^| SFT (labeled only) |' "$SCRATCH/run3.txt" && grep -q '^plot: ' "$SCRATCH/run3.txt" ||
  { echo "no results table at the end:"; tail -20 "$SCRATCH/run3.txt"; exit 1; }
$PY "$SRC/tests/mpi/slurm_results_check.py" "$SRC" "$WORK" 1
CF_NO_SLURM=1 UNTIL=eval BIN="$BUILD/jobs" "$SRC/slurm/demo_chain.sh" --small "$WORK" > "$SCRATCH/run4.txt" 2>&1
grep -q "nothing to submit" "$SCRATCH/run4.txt"
echo "slurm_inline: OK"
