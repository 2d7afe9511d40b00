#!/usr/bin/env bash
# tools/spin_rounds.py chains cf-generate and cf-train --mode spin for 2 rounds on the micro
# model (round 2 with SPIN's use_previous): every round's pairs
# come from the previous round's model, round 2 trains on both rounds' pairs, and a re-run
# skips finished rounds.
source "$(dirname "$0")/common.sh"
TOK="$SCRATCH/tokens"
"$BUILD/tests/cf-test-tokens" "$TOK" 24 --image-tokens 16 --vocab 256 --per-shard 8
run_np 2 cf-train --set "io.input=$TOK" --set "io.output=$SCRATCH/sft" --set "model.preset=$SRC/tests/data/micro.toml" \
  --set optim.lr=3e-3 --set train.global_batch=8 --set train.micro_batch=2 --set train.max_steps=3 \
  --set checkpoint.every_steps=0 --set run.threads=1 > /dev/null 2>&1
args=(--config "$SRC/configs/train/spin.toml" --build "$BUILD" --set rounds.count=2 --set "rounds.work=$SCRATCH/spin"
      --set "rounds.init=$SCRATCH/sft" --set "rounds.prompts=$TOK" --set "rounds.preset=$SRC/tests/data/micro.toml"
      --set rounds.use_previous=true --set generate.max_new_tokens=3 --set generate.temperature=1.0
      --set train.optim.lr=1e-3 --set train.train.epochs=1 --set train.train.micro_batch=2)
$PY "$SRC/tools/spin_rounds.py" "${args[@]}" > "$SCRATCH/rounds.out" 2> "$SCRATCH/rounds.err"
$PY "$SRC/tools/spin_rounds.py" "${args[@]}" > /dev/null 2> "$SCRATCH/rerun.err"
grep -q "round 1: done" "$SCRATCH/rerun.err" && grep -q "round 2: done" "$SCRATCH/rerun.err"
$PY - "$SCRATCH/spin" "$SRC/tests/py" <<'PYEOF'
import json, sys
sys.path.insert(0, sys.argv[2])
import shards
def rows(d):
    return [r for p in shards.shard_paths(d) for r in [shards.read_shard(p)[1]["items"]]]
r1 = rows(sys.argv[1] + "/round_1/pairs")
r2 = rows(sys.argv[1] + "/round_2/pairs")
assert set(b for t in r1 for b in t["model"]) == {b"model_0"}
assert set(b for t in r2 for b in t["model"]) == {b"model_1"}
n1 = sum(len(t["sample_id"]) for t in r1)
carried = sum(int(c) for t in r2 for c in t["carried"])
assert n1 == 24 and carried == 24 and sum(len(t["sample_id"]) for t in r2) == 48, (n1, carried)
for rnd, pairs, steps in ((1, 24, 3), (2, 48, 6)):
    m = [json.loads(l) for l in open(f"{sys.argv[1]}/round_{rnd}/train/logs/metrics-rank0.jsonl") if "rewards/margins" in l]
    assert len(m) == steps and all(r["mode"] == "spin" for r in m), (rnd, len(m))
    print(f"round {rnd}: {pairs} pairs, {steps} steps, rewards/accuracies {m[0]['rewards/accuracies']:.2f} -> {m[-1]['rewards/accuracies']:.2f}")
PYEOF
echo "spin_rounds_driver: OK"
