#!/usr/bin/env bash
# The whole built-in chain on 2 ranks: scenegen (16 scenes + 2 clips, and a separate exemplar
# corpus) -> ingest -> segment -> build-db -> retrieve -> caption -> qa -> merge -> tokenizer,
# plus eval-synthesis. Merge: kill -9 of one rank midway + re-run equals an uninterrupted run
# and a 1-rank run; every QA pair exactly once; clips whole in one split; LLaVA export and stats
# consistent with the shards; a missing upstream shard is named.
source "$(dirname "$0")/common.sh"
J="$BUILD/jobs"
"$J/cf-scenegen" --set "io.output=$SCRATCH/corpus" --set scenegen.images=16 --set scenegen.clips=2 \
  --set scenegen.width=640 --set scenegen.height=360 > /dev/null 2>&1
"$J/cf-scenegen" --set "io.output=$SCRATCH/corpus_db" --set scenegen.seed=99 --set scenegen.images=30 \
  --set scenegen.clips=0 --set scenegen.width=640 --set scenegen.height=360 > /dev/null 2>&1
one=(--set run.threads=1)
run_np 2 cf-ingest --set "io.input=$SCRATCH/corpus" --set "io.output=$SCRATCH/ingest" --set ingest.shard_cost=6 \
  --set video.frames_per_clip=3 "${one[@]}" 2> /dev/null
run_np 2 cf-segment --set "io.input=$SCRATCH/ingest" --set "io.output=$SCRATCH/segment" "${one[@]}" 2> /dev/null
"$J/cf-build-db" --set "io.input=$SCRATCH/corpus_db" --set "io.output=$SCRATCH/db" > /dev/null 2>&1
run_np 2 cf-retrieve --set "io.input=$SCRATCH/segment" --set "io.images=$SCRATCH/ingest" --set "retrieve.db=$SCRATCH/db" \
  --set "retrieve.knowledge_base=$SRC/configs/knowledge_base.jsonl" --set "io.output=$SCRATCH/retrieve" "${one[@]}" 2> /dev/null
run_np 2 cf-caption --set "io.input=$SCRATCH/retrieve" --set "io.regions=$SCRATCH/segment" --set "io.images=$SCRATCH/ingest" \
  --set "io.output=$SCRATCH/caption" "${one[@]}" 2> /dev/null
run_np 2 cf-qa --set "io.input=$SCRATCH/caption" --set "io.retrieve=$SCRATCH/retrieve" --set "io.output=$SCRATCH/qa" "${one[@]}" 2> /dev/null
merge=(--set "io.input=$SCRATCH/qa" --set "io.caption=$SCRATCH/caption" --set "io.retrieve=$SCRATCH/retrieve"
       --set "io.regions=$SCRATCH/segment" --set "io.images=$SCRATCH/ingest" --set merge.eval_size=30 --set merge.max_eval_fraction=0.3)
run_np 2 cf-merge "${merge[@]}" --set "io.output=$SCRATCH/reference" 2> /dev/null
"$J/cf-merge" "${merge[@]}" --set "io.output=$SCRATCH/one_rank" > /dev/null 2>&1

OUT="$SCRATCH/merged"
KILL_WATCH=train kill_midway cf-merge "$OUT" "${merge[@]}" --set debug.item_delay_ms=150
run_np 2 cf-merge "${merge[@]}" --set "io.output=$OUT" > "$SCRATCH/resumed.json" 2> /dev/null
cat "$SCRATCH/resumed.json"
for split in train eval; do
  $PY "$SRC/tests/py/compare_outputs.py" "$SCRATCH/reference/$split" "$OUT/$split" "$SCRATCH/one_rank/$split"
done
cmp "$SCRATCH/reference/llava/train.json" "$OUT/llava/train.json"
cmp "$SCRATCH/reference/stats.json" "$OUT/stats.json"

$PY - "$SCRATCH/qa" "$OUT" "$SRC/tests/py" <<'PYEOF'
import collections, json, os, sys
sys.path.insert(0, sys.argv[3])
import shards
qa_dir, out = sys.argv[1], sys.argv[2]
want = collections.Counter()
clip_of = {}
for p in shards.shard_paths(qa_dir):
    _, t = shards.read_shard(p)
    it = t["items"]
    for k, iid in enumerate(it["item_id"]):
        clip_of[iid.decode()] = it["clip_id"][k].decode()
    for row in t["tables/qa"]["item_row"]:
        want[it["item_id"][row].decode()] += 1
seen, unit_split, counts = collections.Counter(), {}, collections.Counter()
for split in ("train", "eval"):
    for p in shards.shard_paths(os.path.join(out, split)):
        attrs, t = shards.read_shard(p)
        it = t["items"]
        assert sum(it["n_images"]) == len(t["tables/images"]["image"])
        for k, sid in enumerate(it["sample_id"]):
            sid, iid, task = sid.decode(), it["item_id"][k].decode(), it["task"][k].decode()
            counts[split] += 1
            if "#q" in sid:
                seen[iid] += 1
            unit = clip_of.get(iid) or iid
            assert unit_split.setdefault(unit, split) == split, f"{unit} in both splits"
            if task == "annotation":
                assert it["n_images"][k] == 3 and json.loads(it["answer"][k])["driving_difficulty"] >= 1
        for img in t["tables/images"]["image"]:
            assert img[:2] == b"\xff\xd8", "not a JPEG"
assert seen == want, "QA pairs not exactly once"
assert counts["eval"] > 0 and counts["train"] > counts["eval"], counts
llava = json.load(open(os.path.join(out, "llava/train.json")))
assert len(llava) == counts["train"], (len(llava), counts)
for r in llava:
    imgs = r["image"] if isinstance(r["image"], list) else [r["image"]]
    assert r["conversations"][0]["value"].count("<image>") == len(imgs)
    assert all(os.path.isfile(os.path.join(out, "llava", i)) for i in imgs), imgs
stats = json.load(open(os.path.join(out, "stats.json")))
assert stats["samples"]["train"] == counts["train"] and stats["samples"]["eval"] == counts["eval"], stats["samples"]
assert stats["tasks"]["annotation"]["total"] == 2 and stats["classes"], stats["tasks"]
print(f"merge: {sum(want.values())} QA pairs exactly once, train {counts['train']} / eval {counts['eval']} samples, "
      f"{len(llava)} LLaVA records")
PYEOF

run_np 2 cf-eval-synthesis --set "io.input=$OUT" --set "eval.corpus=$SCRATCH/corpus" --set "io.output=$SCRATCH/eval" \
  > "$SCRATCH/eval.json" 2> /dev/null
cat "$SCRATCH/eval.json"
cat "$SCRATCH/eval/report.md"
$PY -c "import json,sys; r=json.load(open(sys.argv[1])); assert r['objects'] > 10 and r['closed_questions'] > 10 and 0 < r['object_recall'] <= 1, r" \
  "$SCRATCH/eval/report.json"

run_np 2 cf-tokenizer --set "io.input=$OUT" --set "io.output=$SCRATCH/tokens" --set tokenizer.vocab_size=400 \
  > "$SCRATCH/tok.json" 2> /dev/null
$PY -c "import json,sys; s=json.load(open(sys.argv[1])); assert s['items_failed'] == 0 and s['items_ok'] == s['train_samples'] + s['eval_samples'] > 0, s" \
  "$SCRATCH/tok.json"
echo "tokenizer accepted $(cat "$SCRATCH/tok.json")"

rm "$SCRATCH/caption/shard-000001.h5"
set +e
run_np 2 cf-merge "${merge[@]}" --set "io.output=$SCRATCH/broken" > /dev/null 2> "$SCRATCH/err.txt"
rc=$?
set -e
[ "$rc" -ne 0 ] && grep -q "caption/shard-000001.h5" "$SCRATCH/err.txt" || { echo "missing shard not named:"; cat "$SCRATCH/err.txt"; exit 1; }
echo "chain_builtin: OK"
