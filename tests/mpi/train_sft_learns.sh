#!/usr/bin/env bash
# The tiny preset learns: SFT loss falls on a generated dataset (the answer is the colour of the
# image) and held-out closed questions are answered better than before training.
source "$(dirname "$0")/common.sh"
"$BUILD/tests/cf-test-tokens" "$SCRATCH/train" 96 --seed 1
"$BUILD/tests/cf-test-tokens" "$SCRATCH/eval" 32 --seed 2
run_np 2 cf-train --set "io.input=$SCRATCH/train" --set "io.output=$SCRATCH/run" \
  --set "model.preset=$SRC/configs/model/tiny.toml" --set optim.lr=1e-3 --set train.global_batch=8 \
  --set train.micro_batch=4 --set train.epochs=2 --set "data.eval=$SCRATCH/eval" --set data.eval_samples=32 \
  --set checkpoint.every_steps=0 > "$SCRATCH/summary.json" 2>/dev/null
cat "$SCRATCH/summary.json"
$PY - "$SCRATCH/summary.json" "$SCRATCH/run/logs/metrics-rank0.jsonl" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
losses = [r["loss"] for r in map(json.loads, open(sys.argv[2])) if "loss" in r]
first, last = sum(losses[:3]) / 3, sum(losses[-3:]) / 3
print(f"loss {first:.3f} -> {last:.3f}; closed accuracy {s['closed_accuracy_before']:.2f} -> {s['closed_accuracy_after']:.2f} on {s['closed_questions']} questions")
assert last < 0.5 * first, "loss did not fall"
assert s["closed_accuracy_after"] > s["closed_accuracy_before"] + 0.25, "closed questions did not improve"
PYEOF
echo "train_sft_learns: OK"
