#!/usr/bin/env bash
# Real photographs through the whole built-in chain on 2 ranks: python3-skimage's sample photos
# (fetched by tools/bootstrap.sh; PNG and JPEG, 512x512 to 1000x872, two grayscale, textures)
# plus its truncated JPEG -> ingest -> segment -> retrieve (database from a 30-scene cf-scenegen
# corpus) -> caption -> qa -> merge -> tokenizer. Every job exits 0; every good photo gets QA
# samples; the truncated JPEG is one failure record with a reason; every item exactly once.
source "$(dirname "$0")/common.sh"
PHOTOS=${CF_TEST_DATA:-/var/cache/cornerforge}/photos
[ -f "$PHOTOS/truncated.jpg" ] || { echo "real_photos: no photos in $PHOTOS; run tools/bootstrap.sh"; exit 77; }
J="$BUILD/jobs"
mkdir "$SCRATCH/photos"
cp "$PHOTOS"/*.png "$PHOTOS"/*.jpg "$SCRATCH/photos/"
"$J/cf-scenegen" --set "io.output=$SCRATCH/corpus_db" --set scenegen.seed=99 --set scenegen.images=30 \
  --set scenegen.clips=0 --set scenegen.width=640 --set scenegen.height=360 > /dev/null 2>&1
"$J/cf-build-db" --set "io.input=$SCRATCH/corpus_db" --set "io.output=$SCRATCH/db" > /dev/null 2>&1
one=(--set run.threads=1)
run_np 2 cf-ingest --set "io.input=$SCRATCH/photos" --set "io.output=$SCRATCH/ingest" --set ingest.shard_cost=8 \
  "${one[@]}" 2> /dev/null
run_np 2 cf-segment --set "io.input=$SCRATCH/ingest" --set "io.output=$SCRATCH/segment" "${one[@]}" 2> /dev/null
run_np 2 cf-retrieve --set "io.input=$SCRATCH/segment" --set "io.images=$SCRATCH/ingest" --set "retrieve.db=$SCRATCH/db" \
  --set "retrieve.knowledge_base=$SRC/configs/knowledge_base.jsonl" --set "io.output=$SCRATCH/retrieve" "${one[@]}" 2> /dev/null
run_np 2 cf-caption --set "io.input=$SCRATCH/retrieve" --set "io.regions=$SCRATCH/segment" --set "io.images=$SCRATCH/ingest" \
  --set "io.output=$SCRATCH/caption" "${one[@]}" 2> /dev/null
run_np 2 cf-qa --set "io.input=$SCRATCH/caption" --set "io.retrieve=$SCRATCH/retrieve" --set "io.output=$SCRATCH/qa" \
  "${one[@]}" 2> /dev/null
run_np 2 cf-merge --set "io.input=$SCRATCH/qa" --set "io.caption=$SCRATCH/caption" --set "io.retrieve=$SCRATCH/retrieve" \
  --set "io.regions=$SCRATCH/segment" --set "io.images=$SCRATCH/ingest" --set merge.eval_size=2 \
  --set merge.max_eval_fraction=0.3 --set "io.output=$SCRATCH/merged" "${one[@]}" 2> /dev/null
run_np 2 cf-tokenizer --set "io.input=$SCRATCH/merged" --set "io.output=$SCRATCH/tokens" --set tokenizer.vocab_size=400 \
  > "$SCRATCH/tok.json" 2> /dev/null
$PY -c "import json,sys; s=json.load(open(sys.argv[1])); assert s['items_failed'] == 0 and s['items_ok'] > 0, s" \
  "$SCRATCH/tok.json"

$PY - "$SCRATCH" "$SRC/tests/py" <<'PYEOF'
import collections, json, os, sys
sys.path.insert(0, sys.argv[2])
import shards
root = sys.argv[1]
photos = sorted(os.listdir(os.path.join(root, "photos")))
good = [p for p in photos if p != "truncated.jpg"]
gray = {"camera.png", "moon.png"}

def stage(name):
    """The tables of a stage's shards, in shard order."""
    return [shards.read_shard(p)[1] for p in shards.shard_paths(os.path.join(root, name))]

def ids(t, group="items"):
    return [i.decode() for i in t[group]["item_id"]]

def fails(t):
    f = t["failures"]
    return {i.decode(): r.decode() for i, r in zip(f["item_id"], f["reason"])}

ingest = stage("ingest")
seen = collections.Counter(i for t in ingest for i in ids(t) + ids(t, "failures"))
assert sorted(seen) == photos and set(seen.values()) == {1}, f"ingest: items not exactly once: {seen}"
ingest_fail = {k: v for t in ingest for k, v in fails(t).items()}
assert list(ingest_fail) == ["truncated.jpg"] and ingest_fail["truncated.jpg"], ingest_fail
size = {i: (w, h) for t in ingest for i, w, h in zip(ids(t), t["items"]["width"], t["items"]["height"])}
# Downstream stages: each sees ingest's good items, and each ends up once in items or failures.
tables_of = {}
for name in ("segment", "retrieve", "caption", "qa"):
    tabs = stage(name)
    got = collections.Counter(i for t in tabs for i in ids(t) + ids(t, "failures"))
    assert sorted(got) == good and set(got.values()) == {1}, f"{name}: items not exactly once: {got}"
    failed = {k: v for t in tabs for k, v in fails(t).items()}
    assert not failed, f"{name} failed on real photos: {failed}"
    tables_of[name] = tabs
regions = collections.Counter()
for t in tables_of["segment"]:
    for row in t["tables/regions"]["item_row"]:
        regions[ids(t)[row]] += 1
captions, mentioned = {}, {}
for t in tables_of["caption"]:
    for i, c, o in zip(ids(t), t["items"]["fine_caption"], t["items"]["objects"]):
        captions[i] = c.decode()
        mentioned[i] = {m["label"] for m in json.loads(o)}
for g in sorted(gray):
    assert regions[g] >= 1 and captions[g].strip(), f"{g}: {regions[g]} regions, caption {captions[g]!r}"
named = collections.defaultdict(set)
for t in tables_of["retrieve"]:
    tab = t["tables/regions"]
    for row, n in zip(tab["item_row"], tab["label"]):
        if n.decode() != "unknown object":
            named[ids(t)[row]].add(n.decode())
for p in good:  # a caption names only objects retrieve named in that photo
    extra = mentioned[p] - named[p] - {"unknown object"}
    assert not extra, f"{p}: caption mentions {extra}, retrieve named only {named[p]}"
samples = collections.Counter()
for split in ("train", "eval"):
    for p in shards.shard_paths(os.path.join(root, "merged", split)):
        _, t = shards.read_shard(p)
        for sid, iid in zip(t["items"]["sample_id"], t["items"]["item_id"]):
            if "#q" in sid.decode():
                samples[iid.decode()] += 1
missing = [p for p in good if samples[p] < 1]
assert not missing, f"photos without QA samples in the merged dataset: {missing}"
want = collections.Counter(ids(t)[row] for t in tables_of["qa"] for row in t["tables/qa"]["item_row"])
assert samples == want, f"merged QA samples differ from cf-qa's pairs: {samples} vs {want}"
for p in good:
    print(f"  {p:24s} {size[p][0]}x{size[p][1]}  regions {regions[p]:3d}  named {len(named[p]):2d}  "
          f"QA samples {samples[p]:2d}")
print(f"truncated.jpg: ingest failure '{ingest_fail['truncated.jpg']}'")
PYEOF
echo "real_photos: OK"
