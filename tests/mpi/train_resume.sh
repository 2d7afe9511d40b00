#!/usr/bin/env bash
# Checkpoint-restart of cf-train:
#  1. kill -9 during training, re-run: final weights bitwise identical to an uninterrupted run;
#  2. resume on another world size (2 -> 1 and 1 -> 2): continues from the same step and sample;
#  3. a truncated or bit-flipped newest checkpoint is detected and the previous one is used;
#  4. SIGUSR2 checkpoints at the next step and exits 75; a re-run finishes the job.
source "$(dirname "$0")/common.sh"
TOK="$SCRATCH/tokens"
"$BUILD/tests/cf-test-tokens" "$TOK" 64 --image-tokens 16 --vocab 256
train() {  # train N OUT extra-args...
  local n=$1 out=$2; shift 2
  run_np "$n" cf-train --set "io.input=$TOK" --set "io.output=$out" --set "model.preset=$SRC/tests/data/micro.toml" \
    --set optim.lr=3e-3 --set train.global_batch=8 --set train.micro_batch=2 --set train.epochs=2 \
    --set checkpoint.every_steps=4 --set checkpoint.keep=5 --set run.threads=1 "$@"
}
weights_equal() { cmp "$1/model.safetensors" "$2/model.safetensors"; }

train 2 "$SCRATCH/ref" > "$SCRATCH/ref.json" 2>/dev/null
cat "$SCRATCH/ref.json"

# 1. kill -9 one rank after the second checkpoint.
OUT="$SCRATCH/killed"
train 2 "$OUT" --set debug.step_delay_ms=150 > /dev/null 2>&1 &
MPIRUN=$!
for _ in $(seq 1 600); do [ -d "$OUT/checkpoints/step-00000008" ] && break; sleep 0.05; done
victim=$(pgrep -f "cf-train.*io.output=$OUT" | grep -v "^$MPIRUN$" | tail -1)
kill -9 "$victim"
wait "$MPIRUN" && { echo "killed run should fail"; exit 1; }
[ ! -f "$OUT/model.safetensors" ] || { echo "run finished before the kill"; exit 1; }
train 2 "$OUT" > "$SCRATCH/resumed.json" 2>"$SCRATCH/resumed.log"
grep -q "resumed from" "$SCRATCH/resumed.log"
weights_equal "$SCRATCH/ref" "$OUT"
echo "kill -9 + resume: weights bitwise identical"

# 2. Resume on another world size: 2 -> 1 and 1 -> 2 (stop early with max_steps, then continue).
for pair in "2 1" "1 2"; do
  set -- $pair
  W="$SCRATCH/world-$1-$2"
  train "$1" "$W" --set train.max_steps=6 > /dev/null 2>&1
  train "$2" "$W" > "$SCRATCH/w.json" 2>"$SCRATCH/w.log"
  grep -q "resumed from .*step-00000006 at step 6" "$SCRATCH/w.log"
  grep -q "step 7/16" "$SCRATCH/w.log"
  $PY - "$W/logs/metrics-rank0.jsonl" "$SCRATCH/ref/logs/metrics-rank0.jsonl" <<'PYEOF'
import json, sys
got = {r["step"]: r["loss"] for r in map(json.loads, open(sys.argv[1])) if "loss" in r}
ref = {r["step"]: r["loss"] for r in map(json.loads, open(sys.argv[2])) if "loss" in r}
assert sorted(got) == list(range(1, 17)), sorted(got)
# Same samples in the same order: the losses continue the reference run's curve.
for s in range(1, 17):
    assert abs(got[s] - ref[s]) <= 1e-3 * max(1.0, abs(ref[s])), (s, got[s], ref[s])
print("loss continuous across the world-size change, max |diff| =", max(abs(got[s] - ref[s]) for s in got))
PYEOF
done

# 3. Damage the newest checkpoint: truncate, then flip a byte; the previous one is used.
D="$SCRATCH/damaged"
train 1 "$D" --set train.max_steps=8 > /dev/null 2>&1
truncate -s 100 "$D/checkpoints/step-00000008/model.safetensors"
train 1 "$D" --set train.max_steps=9 > /dev/null 2>"$SCRATCH/d.log"
grep -q "skipping checkpoint .*step-00000008" "$SCRATCH/d.log"
grep -q "resumed from .*step-00000004 at step 4" "$SCRATCH/d.log"
$PY - "$D/checkpoints/step-00000009/optimizer.h5" <<'PYEOF'
import sys
p = sys.argv[1]
data = bytearray(open(p, "rb").read())
data[len(data) // 2] ^= 0xFF
open(p, "wb").write(bytes(data))
PYEOF
train 1 "$D" --set train.max_steps=10 > /dev/null 2>"$SCRATCH/d2.log"
grep -q "skipping checkpoint .*step-00000009: optimizer.h5 does not match its checksum" "$SCRATCH/d2.log"
grep -q "resumed from .*step-00000008 at step 8" "$SCRATCH/d2.log"
echo "damaged checkpoints skipped"

# 4. SIGUSR2: checkpoint at the next step boundary, exit 75, then resume to the end.
S="$SCRATCH/signal"
train 2 "$S" --set debug.step_delay_ms=200 --set checkpoint.every_steps=0 > /dev/null 2>"$SCRATCH/s.log" &
MPIRUN=$!
for _ in $(seq 1 600); do grep -q "step 3/16" "$SCRATCH/s.log" 2>/dev/null && break; sleep 0.05; done
pkill -USR2 -f "cf-train.*io.output=$S" || true
set +e; wait "$MPIRUN"; rc=$?; set -e
[ "$rc" -eq 75 ] || { echo "signal run exited $rc, want 75"; cat "$SCRATCH/s.log"; exit 1; }
train 2 "$S" > /dev/null 2>&1
weights_equal "$SCRATCH/ref" "$S"
echo "train_resume: OK"
