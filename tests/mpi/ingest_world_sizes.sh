#!/usr/bin/env bash
# The same corpus gives the same manifest, item -> shard map and shard contents for 1, 2 and 3
# ranks; bad inputs become failure records; every unit appears exactly once.
source "$(dirname "$0")/common.sh"
"$BUILD/tests/cf-test-fixtures" "$SCRATCH/corpus dir" --videos --good 40
for n in 1 2 3; do
  run_np $n cf-ingest --set "io.input=$SCRATCH/corpus dir" --set "io.output=$SCRATCH/out $n" \
    --set ingest.shard_cost=6 --set run.threads=1 > "$SCRATCH/summary$n.json" 2> "$SCRATCH/log$n.txt"
  cat "$SCRATCH/summary$n.json"
  $PY "$SRC/tests/py/check_ingest.py" "$SCRATCH/out $n" "$SCRATCH/corpus dir" --expect-fixtures
done
# Logs carry the rank; rank 0's progress counts the files of all ranks; every rank logs metrics.
grep -q "\[rank 2/3\]" "$SCRATCH/log3.txt"
grep -Eq "\[rank 0/3\] \[info\] ingest: ([0-9]+)/\1 items" "$SCRATCH/log3.txt"
for r in 0 1 2; do
  $PY -c 'import json,sys; rows=[json.loads(l) for l in open(sys.argv[1])]; assert rows and all("seconds" in r for r in rows)' \
    "$SCRATCH/out 3/logs/metrics-rank$r.jsonl"
done
$PY "$SRC/tests/py/compare_outputs.py" "$SCRATCH/out 1" "$SCRATCH/out 2" "$SCRATCH/out 3"
# The summaries agree on everything but the time.
for n in 2 3; do
  diff <(sed 's/"seconds":[0-9.e-]*,//' "$SCRATCH/summary1.json") \
       <(sed 's/"seconds":[0-9.e-]*,//' "$SCRATCH/summary$n.json")
done
echo "ingest_world_sizes: OK"
