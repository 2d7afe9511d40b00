#!/usr/bin/env bash
# cf-caption --set caption.backend=model (Model^i): a scene corpus -> tools/make_sft_set.py ->
# cf-tokenizer (writes prompts.json) -> a short SFT run of a small preset; then captions of
# ingest shards (+ fixture segment/retrieve shards) by that checkpoint on 1 and 2 ranks
# (identical), kill -9 mid-run + re-run (each item exactly once, equal to the reference);
# stop tokens that end every answer at once -> "empty generation" failure records; a missing
# or corrupt checkpoint -> a config error naming caption.model; a missing upstream shard -> an
# error naming it. Last, one SPIN round with rounds.recaption (tools/spin_rounds.py):
# cf-caption (model) -> cf-qa -> cf-merge -> cf-tokenizer (SFT tokenizer) -> cf-generate ->
# cf-train, whose caption prompts equal prompts.json's ids.
source "$(dirname "$0")/common.sh"
PRESET="$SCRATCH/small.toml"  # 32x32 images (16 patches), 512 text ids: a few seconds of SFT
printf '[model]\nname = "caption-test"\nimage_token_id = 3\n[vision]\nimage_size = 32\npatch_size = 8\nhidden = 32
layers = 2\nheads = 2\nmlp = 64\n[text]\nvocab = 512\nhidden = 64\nlayers = 2\nheads = 4\nkv_heads = 2\nffn = 128\n' > "$PRESET"
"$BUILD/jobs/cf-scenegen" --set "io.output=$SCRATCH/corpus" --set scenegen.images=10 --set scenegen.clips=1 \
  --set scenegen.width=320 --set scenegen.height=180 > /dev/null 2>&1
$PY "$SRC/tools/make_sft_set.py" "$SCRATCH/corpus" "$SCRATCH/set" --eval 2 --seed 5 --shard-size 16 > /dev/null
run_np 2 cf-tokenizer --set "io.input=$SCRATCH/set" --set "io.output=$SCRATCH/tokens" --set tokenizer.vocab_size=400 \
  --set tokenizer.image_tokens=16 --set run.threads=1 > /dev/null 2>&1
run_np 2 cf-train --set "io.input=$SCRATCH/tokens/train" --set "io.output=$SCRATCH/sft" --set "model.preset=$PRESET" \
  --set optim.lr=5e-3 --set train.global_batch=8 --set train.micro_batch=4 --set train.max_steps=40 \
  --set checkpoint.every_steps=20 --set run.threads=1 > /dev/null 2>&1
run_np 2 cf-ingest --set "io.input=$SCRATCH/corpus" --set "io.output=$SCRATCH/ingest" --set ingest.shard_cost=4 \
  --set run.threads=1 --set video.frames_per_clip=4 > /dev/null 2>&1
CF_CAPTION_FIXTURE="$SCRATCH/ingest $SCRATCH/segment $SCRATCH/retrieve" \
  "${CF_UNIT_TESTS:-$BUILD/tests/cf_unit_tests}" --gtest_filter=CaptionFixture.WritesUpstreamShards > /dev/null
cap=(--set "io.input=$SCRATCH/retrieve" --set "io.regions=$SCRATCH/segment" --set "io.images=$SCRATCH/ingest"
     --set run.threads=1 --set caption.backend=model --set "caption.model=$SCRATCH/sft" --set "model.preset=$PRESET"
     --set "caption.tokenizer=$SCRATCH/tokens" --set caption.model_max_new_tokens=24 --set caption.model_batch=3
     --set caption.model_max_repeats=0)  # a 40-step model loops; the loop check is unit-tested

run_np 2 cf-caption "${cap[@]}" --set "io.output=$SCRATCH/reference" > "$SCRATCH/ref.json" 2> /dev/null
cat "$SCRATCH/ref.json"
"$BUILD/jobs/cf-caption" "${cap[@]}" --set "io.output=$SCRATCH/one_rank" > /dev/null 2>&1
# A step directory of the same run (checkpoints/latest = the final step) gives the same captions.
"$BUILD/jobs/cf-caption" "${cap[@]}" --set "io.output=$SCRATCH/step_dir" \
  --set "caption.model=$SCRATCH/sft/checkpoints/$(cat "$SCRATCH/sft/checkpoints/latest")" > /dev/null 2>&1

OUT="$SCRATCH/killed"
kill_midway cf-caption "$OUT" "${cap[@]}" --set debug.item_delay_ms=150
run_np 2 cf-caption "${cap[@]}" --set "io.output=$OUT" > "$SCRATCH/resumed.json" 2> /dev/null
grep -q '"shards_skipped":[1-9]' "$SCRATCH/resumed.json" || { cat "$SCRATCH/resumed.json"; echo "no shard skipped"; exit 1; }
$PY "$SRC/tests/py/compare_outputs.py" "$SCRATCH/reference" "$OUT" "$SCRATCH/one_rank"

# Every answer ends at once: each item is an "empty generation" failure record.
stops=$($PY -c 'import json,sys; print(json.dumps([str(i) for i in range(5, len(json.load(open(sys.argv[1]))["pieces"]))]))' \
  "$SCRATCH/tokens/tokenizer/vocab.json")
run_np 2 cf-caption "${cap[@]}" --set "io.output=$SCRATCH/empty" --set "caption.model_stop_tokens=$stops" \
  > "$SCRATCH/empty.json" 2> /dev/null

$PY - "$SCRATCH/retrieve" "$OUT" "$SCRATCH/empty" "$SRC/tests/py" "$SCRATCH/step_dir" <<'PYEOF'
import sys
sys.path.insert(0, sys.argv[4])
import shards
ids = sorted(i for p in shards.shard_paths(sys.argv[1]) for i in shards.read_shard(p)[1]["items"]["item_id"])
def captions(out):
    return [c for p in shards.shard_paths(out) for c in shards.read_shard(p)[1]["items"]["fine_caption"]]
assert captions(sys.argv[2]) == captions(sys.argv[5]), "the step directory's weights gave other captions"
for out in sys.argv[2:4]:
    seen, ok = [], 0
    for p in shards.shard_paths(out):
        _, t = shards.read_shard(p)
        it = t["items"]
        seen += it["item_id"] + t["failures"]["item_id"]
        ok += len(it["item_id"])
        for k in range(len(it["item_id"])):
            raw, fine = it["raw_caption"][k].decode(), it["fine_caption"][k].decode()
            assert raw and fine.startswith(raw) and it["backend"][k] == b"model", (raw, fine)
            assert 0 < it["completion_tokens"][k] <= 24 and it["prompt_tokens"][k] > 16, it["completion_tokens"][k]
        for r in t["failures"]["reason"]:
            assert r.startswith(b"model caption: "), r
            if out == sys.argv[3]:
                assert r == b"model caption: empty generation (the model stopped at once)", r
    assert sorted(seen) == ids, f"{out}: items not exactly once"
    print(f"{out.rsplit('/', 1)[1]}: {len(ids)} items exactly once, {ok} captioned")
    assert ok > 0 if out == sys.argv[2] else ok == 0
PYEOF

# Config errors name the key; a missing upstream shard is named.
expect_error() {  # expect_error PATTERN cf-caption args...
  local pattern=$1; shift
  set +e
  "$BUILD/jobs/cf-caption" "${cap[@]}" --set "io.output=$SCRATCH/err_out" "$@" > /dev/null 2> "$SCRATCH/err.txt"
  local rc=$?
  set -e
  [ "$rc" -ne 0 ] && grep -q "$pattern" "$SCRATCH/err.txt" || { echo "rc=$rc, expected '$pattern':"; cat "$SCRATCH/err.txt"; exit 1; }
}
expect_error "caption.model '$SCRATCH/nowhere': no .safetensors file" --set "caption.model=$SCRATCH/nowhere"
head -c 3000 "$SCRATCH/sft/model.safetensors" > "$SCRATCH/corrupt.safetensors"
expect_error "caption.model '$SCRATCH/corrupt.safetensors' .* cannot be loaded" --set "caption.model=$SCRATCH/corrupt.safetensors"
expect_error "caption.tokenizer '$SCRATCH/set': no vocab.json and prompts.json" --set "caption.tokenizer=$SCRATCH/set"
cp -r "$SCRATCH/segment" "$SCRATCH/segment2" && rm "$SCRATCH/segment2/shard-000001.h5"
expect_error "segment2/shard-000001.h5" --set "io.regions=$SCRATCH/segment2"

# One SPIN round on Model^0's new positives.
$PY "$SRC/tools/spin_rounds.py" --config "$SRC/configs/train/spin.toml" --build "$BUILD" --set rounds.count=1 \
  --set "rounds.work=$SCRATCH/spin" --set "rounds.init=$SCRATCH/sft" --set "rounds.preset=$PRESET" \
  --set rounds.recaption=true --set rounds.recaption_from=1 --set "recaption.retrieve=$SCRATCH/retrieve" \
  --set "recaption.segment=$SCRATCH/segment" --set "recaption.ingest=$SCRATCH/ingest" --set "recaption.tokens=$SCRATCH/tokens" \
  --set caption.model_max_new_tokens=24 --set caption.model_max_repeats=0 --set generate.max_new_tokens=4 \
  --set train.train.epochs=1 --set train.train.max_steps=2 > /dev/null 2> "$SCRATCH/rounds.err" \
  || { tail -20 "$SCRATCH/rounds.err"; exit 1; }
$PY - "$SCRATCH/spin/round_1" "$SCRATCH/tokens/tokenizer/prompts.json" "$SRC/tests/py" <<'PYEOF'
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[3])
import shards
rnd, prompt = sys.argv[1], json.load(open(sys.argv[2]))["prompts"]["describe"]
caps = {i: c for p in shards.shard_paths(rnd + "/caption") for t in [shards.read_shard(p)[1]["items"]]
        for i, c in zip(t["item_id"], t["backend"])}
assert caps and set(caps.values()) == {b"model"}, caps
samples, caption_prompts = [], 0
for p in shards.shard_paths(rnd + "/tokens/train"):
    it = shards.read_shard(p)[1]["items"]
    samples += it["sample_id"]
    for r in range(len(it["sample_id"])):
        ids = np.frombuffer(it["input_ids"][r], "<i4")[: it["prompt_tokens"][r]].tolist()
        caption_prompts += ids == prompt["ids"]
pairs = [s for p in shards.shard_paths(rnd + "/pairs") for s in shards.read_shard(p)[1]["items"]["sample_id"]]
assert caption_prompts > 0, "no caption sample has prompts.json's prompt ids"
assert sorted(pairs) == sorted(samples), "the round's pairs are not the re-captioned samples"
steps = [l for l in open(rnd + "/train/logs/metrics-rank0.jsonl") if "rewards/margins" in l]
print(f"spin round with recaption: {len(caps)} captions by model_0, {len(samples)} samples "
      f"({caption_prompts} with the caption prompt ids), {len(pairs)} pairs, {len(steps)} steps")
assert len(steps) == 2
PYEOF
echo "caption_model: OK"
