#!/usr/bin/env bash
# One SPIN round on the tiny preset: SFT briefly (the answer is the colour of the image), then
# cf-generate on 2 ranks (rejected = the SFT model's answers, reference log-probs), then
# cf-train --mode spin from the SFT weights. Checks: the implicit rewards start at 0 (the
# precomputed reference log-probs equal the live policy's), rewards/accuracies rise above 0.5
# during the round, and the round's model answers held-out closed questions at least as well
# as the SFT model (both printed).
source "$(dirname "$0")/common.sh"
"$BUILD/tests/cf-test-tokens" "$SCRATCH/train" 64 --seed 1
"$BUILD/tests/cf-test-tokens" "$SCRATCH/eval" 32 --seed 2
tiny=(--set "model.preset=$SRC/configs/model/tiny.toml" --set run.threads=1)
run_np 2 cf-train --set "io.input=$SCRATCH/train" --set "io.output=$SCRATCH/sft" "${tiny[@]}" --set optim.lr=1e-3 \
  --set train.global_batch=8 --set train.micro_batch=4 --set train.max_steps=${SFT_STEPS:-4} --set checkpoint.every_steps=0 \
  --set "data.eval=$SCRATCH/eval" --set data.eval_samples=32 > "$SCRATCH/sft.json" 2>/dev/null
cat "$SCRATCH/sft.json"
run_np 2 cf-generate --set "io.input=$SCRATCH/train" --set "io.output=$SCRATCH/pairs" --set "generate.checkpoint=$SCRATCH/sft" \
  "${tiny[@]}" --set generate.max_new_tokens=2 --set generate.batch=8 --set generate.temperature=${GEN_TEMP:-1.0} > "$SCRATCH/gen.json" 2>/dev/null
cat "$SCRATCH/gen.json"
run_np 2 cf-train --set train.mode=spin --set "io.input=$SCRATCH/pairs" --set "io.output=$SCRATCH/round1" "${tiny[@]}" \
  --set "model.init=$SCRATCH/sft/model.safetensors" --set optim.lr=${SPIN_LR:-5e-4} --set dpo.beta=${SPIN_BETA:-0.1} \
  --set train.global_batch=8 --set train.micro_batch=4 --set train.epochs=${SPIN_EPOCHS:-2} --set checkpoint.every_steps=0 \
  --set "data.eval=$SCRATCH/eval" --set data.eval_samples=32 > "$SCRATCH/spin.json" 2>/dev/null
cat "$SCRATCH/spin.json"
$PY - "$SCRATCH/sft.json" "$SCRATCH/spin.json" "$SCRATCH/round1/logs/metrics-rank0.jsonl" <<'PYEOF'
import json, sys
sft, spin = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
m = [r for r in map(json.loads, open(sys.argv[3])) if "rewards/accuracies" in r]
first = m[0]
print("step 1 rewards chosen/rejected: %.2e / %.2e" % (first["rewards/chosen"], first["rewards/rejected"]))
assert abs(first["rewards/chosen"]) < 1e-3 and abs(first["rewards/rejected"]) < 1e-3, "reference != live policy at step 0"
acc = [r["rewards/accuracies"] for r in m]
print("rewards/accuracies per step:", " ".join("%.2f" % a for a in acc))
print("rewards/margins per step:", " ".join("%.3f" % r["rewards/margins"] for r in m))
assert max(acc[len(acc) // 2:]) > 0.5 and sum(acc[-3:]) / 3 > 0.5, "rewards/accuracies did not rise above 0.5"
before, after = sft["closed_accuracy_after"], spin["closed_accuracy_after"]
print(f"closed-question accuracy on {spin['closed_questions']} held-out questions: SFT model {before:.3f} -> SPIN round 1 {after:.3f}")
assert spin["closed_accuracy_before"] == before, "the round must start from the SFT model"
assert after >= before, "the SPIN round scored below the SFT model"
PYEOF
echo "train_spin_round: OK"
