#!/usr/bin/env bash
# Kill -9 one rank in the middle of a 2-rank ingest, re-run: the output is complete, every unit
# appears exactly once, and it equals an uninterrupted run. Then damage the finished output (a
# final shard deleted, a stray .tmp) and re-run: only the missing shard is rebuilt.
source "$(dirname "$0")/common.sh"
CORPUS="$SCRATCH/corpus"
"$BUILD/tests/cf-test-fixtures" "$CORPUS" --videos --good 60
common=(--set "io.input=$CORPUS" --set ingest.shard_cost=4 --set run.threads=1)

run_np 2 cf-ingest "${common[@]}" --set "io.output=$SCRATCH/reference" > /dev/null 2>&1

# Slow run (40 ms per file), killed once a few shards are staged.
OUT="$SCRATCH/killed run"
run_np 2 cf-ingest "${common[@]}" --set "io.output=$OUT" --set debug.item_delay_ms=40 \
  > /dev/null 2>&1 &
MPIRUN=$!
for _ in $(seq 1 300); do
  staged=$(ls "$OUT/.staging" 2>/dev/null | grep -c '^shard-.*\.h5$' || true)
  [ "$staged" -ge 4 ] && break
  sleep 0.05
done
victim=$(pgrep -f "cf-ingest.*io.output=$OUT" | grep -v "^$MPIRUN$" | tail -1)
[ -n "$victim" ] || { echo "no rank to kill"; exit 1; }
echo "staged $staged shards; kill -9 rank process $victim"
kill -9 "$victim"
if wait "$MPIRUN"; then echo "the killed run should not succeed"; exit 1; fi
[ ! -f "$OUT/shard-000000.h5" ] || [ -d "$OUT/.staging" ] || { echo "run finished before the kill"; exit 1; }

# Re-run: resumes from the staged shards.
run_np 2 cf-ingest "${common[@]}" --set "io.output=$OUT" > "$SCRATCH/resumed.json"
cat "$SCRATCH/resumed.json"
$PY "$SRC/tests/py/check_ingest.py" "$OUT" "$CORPUS" --expect-fixtures
$PY "$SRC/tests/py/compare_outputs.py" "$SCRATCH/reference" "$OUT"

# Damage: drop one final shard, leave a stray temporary file; re-run rebuilds just that shard.
rm "$OUT/shard-000003.h5"
echo garbage > "$OUT/shard-000005.h5.tmp"
run_np 2 cf-ingest "${common[@]}" --set "io.output=$OUT" > "$SCRATCH/repaired.json"
cat "$SCRATCH/repaired.json"
grep -q '"shards_done":1,' "$SCRATCH/repaired.json"
$PY "$SRC/tests/py/check_ingest.py" "$OUT" "$CORPUS" --expect-fixtures
$PY "$SRC/tests/py/compare_outputs.py" "$SCRATCH/reference" "$OUT"

# A finished output re-run does nothing.
run_np 2 cf-ingest "${common[@]}" --set "io.output=$OUT" > "$SCRATCH/again.json"
grep -q '"items_ok":0,"items_failed":0,"shards_done":0,' "$SCRATCH/again.json"
echo "ingest_resume: OK"
