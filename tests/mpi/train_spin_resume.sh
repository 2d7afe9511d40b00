#!/usr/bin/env bash
# Checkpoint-restart of cf-train --mode spin (micro model): kill -9 one rank after a checkpoint,
# re-run -> final weights bitwise identical to an uninterrupted run; resuming on another world
# size continues the same rewards curve.
source "$(dirname "$0")/common.sh"
TOK="$SCRATCH/tokens"
"$BUILD/tests/cf-test-tokens" "$TOK" 32 --image-tokens 16 --vocab 256
micro=(--set "model.preset=$SRC/tests/data/micro.toml" --set run.threads=1)
run_np 2 cf-train --set "io.input=$TOK" --set "io.output=$SCRATCH/sft" "${micro[@]}" --set optim.lr=3e-3 \
  --set train.global_batch=8 --set train.micro_batch=2 --set train.max_steps=3 --set checkpoint.every_steps=0 > /dev/null 2>&1
run_np 2 cf-generate --set "io.input=$TOK" --set "io.output=$SCRATCH/pairs" --set "generate.checkpoint=$SCRATCH/sft" \
  "${micro[@]}" --set generate.max_new_tokens=3 --set generate.temperature=1.0 > /dev/null 2>&1
train() {  # train N OUT extra-args...
  local n=$1 out=$2; shift 2
  run_np "$n" cf-train --set train.mode=spin --set "io.input=$SCRATCH/pairs" --set "io.output=$out" "${micro[@]}" \
    --set "model.init=$SCRATCH/sft/model.safetensors" --set optim.lr=1e-3 --set dpo.beta=0.5 --set dpo.sft_weight=0.1 \
    --set train.global_batch=8 --set train.micro_batch=2 --set train.epochs=3 --set checkpoint.every_steps=4 "$@"
}
train 2 "$SCRATCH/ref" > /dev/null 2>&1

OUT="$SCRATCH/killed"
train 2 "$OUT" --set debug.step_delay_ms=150 > /dev/null 2>&1 &
MPIRUN=$!
for _ in $(seq 1 600); do [ -d "$OUT/checkpoints/step-00000004" ] && break; sleep 0.05; done
victim=$(pgrep -f "cf-train.*io.output=$OUT" | grep -v "^$MPIRUN$" | tail -1)
kill -9 "$victim"
wait "$MPIRUN" && { echo "killed run should fail"; exit 1; }
[ ! -f "$OUT/model.safetensors" ] || { echo "run finished before the kill"; exit 1; }
train 2 "$OUT" > /dev/null 2>"$SCRATCH/resumed.log"
grep -q "resumed from" "$SCRATCH/resumed.log"
cmp "$SCRATCH/ref/model.safetensors" "$OUT/model.safetensors"
echo "spin kill -9 + resume: weights bitwise identical"

W="$SCRATCH/world"
train 2 "$W" --set train.max_steps=4 > /dev/null 2>&1
train 1 "$W" > /dev/null 2>"$SCRATCH/w.log"
grep -q "resumed from .*step-00000004 at step 4" "$SCRATCH/w.log"
$PY - "$W/logs/metrics-rank0.jsonl" "$SCRATCH/ref/logs/metrics-rank0.jsonl" <<'PYEOF'
import json, sys
key = "rewards/margins"
got = {r["step"]: r for r in map(json.loads, open(sys.argv[1])) if key in r}
ref = {r["step"]: r for r in map(json.loads, open(sys.argv[2])) if key in r}
assert sorted(got) == sorted(ref) == list(range(1, 13)), sorted(got)
for s in ref:
    for k in ("loss", key, "rewards/accuracies"):
        assert abs(got[s][k] - ref[s][k]) <= 1e-3 * max(1.0, abs(ref[s][k])), (s, k, got[s][k], ref[s][k])
print("spin resume 2 -> 1 ranks: loss and rewards continue the reference run")
PYEOF
echo "train_spin_resume: OK"
