#!/usr/bin/env bash
# cf-generate on a micro model briefly trained with cf-train:
#  1. 2 ranks, 1 rank, and 2 ranks killed (-9) midway + re-run give identical shards (sampling
#     seeded per shard and batch, so the world size does not matter); every sample exactly once;
#  2. pairs: prompt + chosen == the dataset's input_ids, rejected ends with eos, reference
#     log-probs finite and negative, the cf-eval columns (question, reference, answer, model);
#  3. a second round with generate.previous: regenerate_fraction reuses the previous answers,
#     keep_previous adds the previous pairs as carried rows, rescored;
#  4. a missing upstream shard and a bad checkpoint path are errors naming them.
source "$(dirname "$0")/common.sh"
TOK="$SCRATCH/tokens"
"$BUILD/tests/cf-test-tokens" "$TOK" 40 --image-tokens 16 --vocab 256 --per-shard 8
run_np 2 cf-train --set "io.input=$TOK" --set "io.output=$SCRATCH/sft" --set "model.preset=$SRC/tests/data/micro.toml" \
  --set optim.lr=3e-3 --set train.global_batch=8 --set train.micro_batch=2 --set train.max_steps=4 \
  --set checkpoint.every_steps=0 --set run.threads=1 > /dev/null 2>&1
gen=(--set "io.input=$TOK" --set "generate.checkpoint=$SCRATCH/sft" --set "model.preset=$SRC/tests/data/micro.toml"
     --set generate.max_new_tokens=4 --set generate.temperature=1.0 --set generate.top_p=0.9 --set generate.batch=3
     --set generate.model_tag=sft --set run.threads=1)

run_np 2 cf-generate "${gen[@]}" --set "io.output=$SCRATCH/ref" > "$SCRATCH/ref.json" 2>/dev/null
cat "$SCRATCH/ref.json"
"$BUILD/jobs/cf-generate" "${gen[@]}" --set "io.output=$SCRATCH/one_rank" > /dev/null 2>&1

OUT="$SCRATCH/killed"
run_np 2 cf-generate "${gen[@]}" --set "io.output=$OUT" --set debug.item_delay_ms=100 > /dev/null 2>&1 &
MPIRUN=$!
for _ in $(seq 1 600); do
  [ "$(ls "$OUT" 2>/dev/null | grep -c '^shard-.*\.h5$' || true)" -ge 1 ] && break
  sleep 0.05
done
victim=$(pgrep -f "cf-generate.*io.output=$OUT" | grep -v "^$MPIRUN$" | tail -1)
[ -n "$victim" ] || { echo "no rank to kill"; exit 1; }
kill -9 "$victim"
if wait "$MPIRUN"; then echo "the killed run should not succeed"; exit 1; fi
run_np 2 cf-generate "${gen[@]}" --set "io.output=$OUT" > /dev/null 2>&1
$PY "$SRC/tests/py/compare_outputs.py" "$SCRATCH/ref" "$OUT" "$SCRATCH/one_rank"

# Round 2 from the same model: half the prompts answered anew, the previous pairs carried along.
run_np 2 cf-generate "${gen[@]}" --set "io.output=$SCRATCH/round2" --set "generate.previous=$SCRATCH/ref" \
  --set generate.regenerate_fraction=0.5 --set generate.keep_previous=true --set generate.round=2 \
  --set generate.seed=9 > "$SCRATCH/r2.json" 2>/dev/null
cat "$SCRATCH/r2.json"

$PY - "$TOK" "$SCRATCH/ref" "$SCRATCH/round2" "$SRC/tests/py" <<'PYEOF'
import math, sys
import numpy as np
sys.path.insert(0, sys.argv[4])
import shards
def rows(d):
    out = []
    for p in shards.shard_paths(d):
        _, t = shards.read_shard(p)
        it = t["items"]
        assert not t["failures"]["item_id"], t["failures"]
        for k in range(len(it["sample_id"])):
            out.append({c: it[c][k] for c in it})
    return out
ids = lambda b: np.frombuffer(b, dtype="<i4").tolist()
tok = {r["sample_id"]: r for r in rows(sys.argv[1])}
ref = rows(sys.argv[2])
assert sorted(r["sample_id"] for r in ref) == sorted(tok), "every sample exactly once"
same = 0
for r in ref:
    t = tok[r["sample_id"]]
    assert ids(r["prompt_ids"]) + ids(r["chosen_ids"]) == ids(t["input_ids"])
    assert len(ids(r["prompt_ids"])) == t["prompt_tokens"]
    rej = ids(r["rejected_ids"])
    assert rej[-1] == 4 and 1 <= len(rej) <= 5, rej
    assert math.isfinite(r["ref_logp_chosen"]) and r["ref_logp_chosen"] < 0
    assert math.isfinite(r["ref_logp_rejected"]) and r["ref_logp_rejected"] < 0
    assert r["model"] == b"sft" and r["reference"] == t["answer"] and r["carried"] == 0 and r["round"] == 1
    for c in ("question", "answer", "task", "item_id"):
        assert c in r
    same += rej == ids(r["chosen_ids"])
print(f"round 1: {len(ref)} pairs, {same} with rejected == chosen")
prev = {r["sample_id"]: r for r in ref}
r2 = rows(sys.argv[3])
own = [r for r in r2 if r["carried"] == 0]
carried = [r for r in r2 if r["carried"] == 1]
assert sorted(r["sample_id"] for r in own) == sorted(tok)
assert sorted(r["sample_id"] for r in carried) == sorted(s + b"#prev" for s in tok)
fresh = [r for r in own if r["regenerated"]]
assert 0 < len(fresh) < len(own), len(fresh)
for r in own:
    p = prev[r["sample_id"]]
    if not r["regenerated"]:
        assert r["rejected_ids"] == p["rejected_ids"]
        assert abs(r["ref_logp_rejected"] - p["ref_logp_rejected"]) < 1e-2  # same model, other batches
for r in carried:
    p = prev[r["sample_id"][:-5]]
    assert r["rejected_ids"] == p["rejected_ids"] and r["chosen_ids"] == p["chosen_ids"]
    assert abs(r["ref_logp_chosen"] - p["ref_logp_chosen"]) < 1e-2
print(f"round 2: {len(fresh)}/{len(own)} regenerated, {len(carried)} carried")
PYEOF

# Errors: a missing upstream shard, a checkpoint path without weights.
cp -r "$TOK" "$SCRATCH/broken"; rm "$SCRATCH/broken/shard-000002.h5"
set +e
run_np 1 cf-generate "${gen[@]}" --set "io.input=$SCRATCH/broken" --set "io.output=$SCRATCH/e1" > /dev/null 2> "$SCRATCH/e1.log"
rc1=$?
run_np 1 cf-generate "${gen[@]}" --set "generate.checkpoint=$SCRATCH/nowhere" --set "io.output=$SCRATCH/e2" > /dev/null 2> "$SCRATCH/e2.log"
rc2=$?
set -e
[ "$rc1" -ne 0 ] && grep -q "shard-000002.h5" "$SCRATCH/e1.log" || { echo "missing shard not named"; cat "$SCRATCH/e1.log"; exit 1; }
[ "$rc2" -eq 2 ] && grep -q "generate.checkpoint '$SCRATCH/nowhere'" "$SCRATCH/e2.log" || { echo "bad checkpoint not named"; cat "$SCRATCH/e2.log"; exit 1; }
echo "generate_pairs: OK"
