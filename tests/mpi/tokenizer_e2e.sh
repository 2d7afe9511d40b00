#!/usr/bin/env bash
# cf-scenegen corpus -> tools/make_sft_set.py (twice: deterministic) -> cf-tokenizer on 1 rank
# (reference) and on 2 ranks killed with kill -9 midway, then re-run: same shards as the
# reference, every sample exactly once (items or a too-long failure), loss mask on the answer,
# images with their samples. Then: a user model gives the same ids, a re-run does nothing,
# changed settings are refused, a missing upstream shard is an error naming it.
source "$(dirname "$0")/common.sh"
"$BUILD/jobs/cf-scenegen" --set "io.output=$SCRATCH/corpus" --set scenegen.images=14 --set scenegen.clips=1 \
  --set scenegen.width=640 --set scenegen.height=360 > /dev/null 2>&1
$PY "$SRC/tools/make_sft_set.py" "$SCRATCH/corpus" "$SCRATCH/set" --eval 4 --seed 5 --shard-size 16 > "$SCRATCH/set.json"
$PY "$SRC/tools/make_sft_set.py" "$SCRATCH/corpus" "$SCRATCH/set2" --eval 4 --seed 5 --shard-size 16 > /dev/null
cat "$SCRATCH/set.json"
for split in train eval; do $PY "$SRC/tests/py/compare_outputs.py" "$SCRATCH/set/$split" "$SCRATCH/set2/$split"; done

common=(--set "io.input=$SCRATCH/set" --set tokenizer.vocab_size=1024 --set tokenizer.max_length=150 --set run.threads=1)
run_np 1 cf-tokenizer "${common[@]}" --set "io.output=$SCRATCH/reference" > "$SCRATCH/ref.json" 2> /dev/null
cat "$SCRATCH/ref.json"

# Slow 2-rank run (30 ms per sample), one rank killed once a few shards are written.
OUT="$SCRATCH/killed run"
run_np 2 cf-tokenizer "${common[@]}" --set "io.output=$OUT" --set debug.item_delay_ms=30 > /dev/null 2>&1 &
MPIRUN=$!
for _ in $(seq 1 400); do
  done_shards=$(ls "$OUT/train" "$OUT/eval" 2>/dev/null | grep -c '^shard-.*\.h5$' || true)
  [ "$done_shards" -ge 2 ] && break
  sleep 0.05
done
victim=$(pgrep -f "cf-tokenizer.*io.output=$OUT" | grep -v "^$MPIRUN$" | tail -1)
[ -n "$victim" ] || { echo "no rank to kill"; exit 1; }
echo "$done_shards shards written; kill -9 rank process $victim"
kill -9 "$victim"
if wait "$MPIRUN"; then echo "the killed run should not succeed"; exit 1; fi
run_np 2 cf-tokenizer "${common[@]}" --set "io.output=$OUT" > "$SCRATCH/resumed.json" 2> /dev/null
cat "$SCRATCH/resumed.json"
grep -q '"shards_skipped":[1-9]' "$SCRATCH/resumed.json" || { echo "the re-run should skip finished shards"; exit 1; }
for split in train eval; do $PY "$SRC/tests/py/compare_outputs.py" "$SCRATCH/reference/$split" "$OUT/$split"; done
cmp "$SCRATCH/reference/tokenizer/tokenizer.model" "$OUT/tokenizer/tokenizer.model"

# The content: every sample once, mask, images, decoded answers (an independent piece decoder).
$PY - "$SRC/tests/py" "$SCRATCH/set" "$OUT" "$SCRATCH/ref.json" <<'PYEOF'
import json, re, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import shards
dataset, out, summary = sys.argv[2], sys.argv[3], json.load(open(sys.argv[4]))
vocab = json.load(open(f"{out}/tokenizer/vocab.json"))
pieces, types, sp, P = vocab["pieces"], vocab["types"], vocab["special"], vocab["image_tokens_per_image"]
assert sp == {"pad": 0, "unk": 1, "bos": 2, "image": 3, "eos": 4}, sp
assert pieces[3] == "<image>" and types[3] == "control" and P == 64, (pieces[:5], P)
assert len(pieces) <= 1024 and summary["vocab_size"] == len(pieces), summary

def decode(ids):
    out = b""
    for i in ids:
        if types[i] == "control":
            continue
        m = re.fullmatch(r"<0x([0-9A-F]{2})>", pieces[i])
        out += bytes([int(m.group(1), 16)]) if types[i] == "byte" else pieces[i].replace("\u2581", " ").encode()
    return out.decode()

total_ok = total_failed = 0
for split in ("train", "eval"):
    plan_in, plan_out = (json.load(open(f"{d}/{split}/plan.json")) for d in (dataset, out))
    assert plan_out["stage"] == "tokenize" and plan_out["shards"] == plan_in["shards"], plan_out
    for k in range(plan_in["shards"]):
        name = f"shard-{k:06d}.h5"
        _, tin = shards.read_shard(f"{dataset}/{split}/{name}")
        attrs, tout = shards.read_shard(f"{out}/{split}/{name}")
        assert attrs["cf_stage"] == b"tokenize", attrs["cf_stage"]
        items, fails, imgs = tout["items"], tout["failures"], tout["tables/images"]
        src = {s: r for r, s in enumerate(tin["items"]["sample_id"])}
        got = list(items["sample_id"]) + list(fails["item_id"])
        assert sorted(got) == sorted(src), f"{split}/{name}: samples differ from the input"
        for r, reason in enumerate(fails["reason"]):
            n = int(re.match(rb"sample has (\d+) tokens, more than tokenizer.max_length = 150", reason).group(1))
            assert n > 150, reason
        in_imgs = tin["tables/images"]
        for r, sid in enumerate(items["sample_id"]):
            i = src[sid]
            ids = np.frombuffer(items["input_ids"][r], "<i4")
            mask = np.frombuffer(items["loss_mask"][r], "u1")
            n, p, k_img = items["n_tokens"][r], items["prompt_tokens"][r], items["n_images"][r]
            assert len(ids) == len(mask) == n <= 150 and 0 < p < n, (sid, n, p)
            assert (mask[:p] == 0).all() and (mask[p:] == 1).all(), sid
            assert ids[0] == 2 and ids[-1] == 4 and (ids == 3).sum() == k_img * P, sid
            answer = tin["items"]["answer"][i].decode()
            assert decode(ids[p:]) == " " + answer, (decode(ids[p:]), answer)
            question = tin["items"]["question"][i].decode()
            assert decode(ids[:p]) == "USER: " + "\n" * k_img + question + " ASSISTANT:", decode(ids[:p])
            mine = [imgs["image"][j] for j in np.flatnonzero(imgs["item_row"] == r)]
            theirs = [in_imgs["image"][j] for j in np.flatnonzero(in_imgs["item_row"] == i)]
            assert mine == theirs and len(mine) == k_img, sid
        total_ok += len(items["sample_id"])
        total_failed += len(fails["item_id"])
assert total_failed > 0 and total_ok > 100, (total_ok, total_failed)
assert (summary["items_ok"], summary["items_failed"]) == (total_ok, total_failed), summary
print(f"tokenizer content: {total_ok} samples encoded, {total_failed} too long, all checked")
PYEOF

# A user model (the reference's) gives the same ids.
run_np 1 cf-tokenizer "${common[@]}" --set "io.output=$SCRATCH/user" \
  --set "tokenizer.model_path=$SCRATCH/reference/tokenizer/tokenizer.model" > /dev/null 2>&1
$PY - "$SRC/tests/py" "$SCRATCH/reference" "$SCRATCH/user" <<'PYEOF'
import sys
sys.path.insert(0, sys.argv[1])
import shards
for a, b in zip(shards.shard_paths(sys.argv[2] + "/train"), shards.shard_paths(sys.argv[3] + "/train")):
    assert shards.read_shard(a)[1]["items"]["input_ids"] == shards.read_shard(b)[1]["items"]["input_ids"], b
PYEOF

# Finished: a re-run does nothing; other settings into the same output are refused.
run_np 2 cf-tokenizer "${common[@]}" --set "io.output=$OUT" > "$SCRATCH/again.json" 2> /dev/null
grep -q '"items_ok":0,"items_failed":0,"shards_done":0,' "$SCRATCH/again.json" || { cat "$SCRATCH/again.json"; exit 1; }
! grep -q tokenizer_built "$SCRATCH/again.json" || { echo "the tokenizer should be reused"; exit 1; }
set +e
run_np 1 cf-tokenizer "${common[@]}" --set "io.output=$OUT" --set tokenizer.max_length=300 > /dev/null 2> "$SCRATCH/err.txt"
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q "was made from other inputs, tokenizer or settings" "$SCRATCH/err.txt" || { echo "rc=$rc"; cat "$SCRATCH/err.txt"; exit 1; }

# A missing upstream shard is an error naming it.
cp -r "$SCRATCH/set" "$SCRATCH/broken" && rm "$SCRATCH/broken/eval/shard-000000.h5"
set +e
run_np 2 cf-tokenizer "${common[@]}" --set "io.input=$SCRATCH/broken" --set "io.output=$SCRATCH/o3" > /dev/null 2> "$SCRATCH/err.txt"
rc=$?
set -e
[ "$rc" -ne 0 ] && grep -q "broken/eval/shard-000000.h5' of stage 'merge' is missing" "$SCRATCH/err.txt" || { echo "rc=$rc"; cat "$SCRATCH/err.txt"; exit 1; }
echo "tokenizer_e2e: OK"
