#!/usr/bin/env bash
# cf-build-db + cf-retrieve end to end with 2 ranks: a database from one generated corpus (the
# same bytes with 1 or 2 ranks; a re-run is skipped), regions of another corpus from its ground
# truth (cf-test-gt-regions writes cf-segment-shaped shards), naming accuracy measured against
# the ground truth, kill -9 of one rank mid-run + re-run (every item exactly once, equal to an
# uninterrupted run), a missing upstream shard named in the error, and the config contract of
# both executables.
source "$(dirname "$0")/common.sh"
GEN=(--set scenegen.clips=0 --set scenegen.width=640 --set scenegen.height=360)
"$BUILD/jobs/cf-scenegen" --set "io.output=$SCRATCH/A" --set scenegen.images=60 --set scenegen.seed=1 "${GEN[@]}" > /dev/null 2>&1
"$BUILD/jobs/cf-scenegen" --set "io.output=$SCRATCH/B" --set scenegen.images=24 --set scenegen.seed=2 \
  --set scenegen.width=640 --set scenegen.height=360 --set scenegen.clips=1 --set scenegen.clip_seconds=1 > /dev/null 2>&1
"$BUILD/jobs/cf-ingest" --set "io.input=$SCRATCH/B" --set "io.output=$SCRATCH/ingest" --set ingest.shard_cost=4 > /dev/null 2>&1
"$BUILD/tests/cf-test-gt-regions" "$SCRATCH/ingest" "$SCRATCH/B" "$SCRATCH/seg"

# Database: same bytes from 1 and 2 ranks; a second run skips.
run_np 2 cf-build-db --set "io.input=$SCRATCH/A" --set "io.output=$SCRATCH/db" > "$SCRATCH/db.json" 2> /dev/null
run_np 1 cf-build-db --set "io.input=$SCRATCH/A" --set "io.output=$SCRATCH/db1" > /dev/null 2>&1
cat "$SCRATCH/db.json"
cmp "$SCRATCH/db/index.faiss" "$SCRATCH/db1/index.faiss"
cmp "$SCRATCH/db/labels.jsonl" "$SCRATCH/db1/labels.jsonl"
grep -q '"index_type": "flat"' "$SCRATCH/db/meta.json"
grep -q '"background"' "$SCRATCH/db/labels.jsonl"  # build_db.proposals: segmenter regions as exemplars
grep -q 'json#r[0-9]' "$SCRATCH/db/labels.jsonl"
run_np 2 cf-build-db --set "io.input=$SCRATCH/A" --set "io.output=$SCRATCH/db" > "$SCRATCH/db2.json" 2> /dev/null
grep -q '"shards_done":0,"shards_skipped":1' "$SCRATCH/db2.json"
# Above db.flat_max the index is HNSW.
run_np 2 cf-build-db --set "io.input=$SCRATCH/A" --set "io.output=$SCRATCH/dbh" --set db.flat_max=100 \
  --set build_db.proposals=false > /dev/null 2>&1
grep -q '"faiss_class": "IndexHNSWFlat"' "$SCRATCH/dbh/meta.json"

common=(--set "io.input=$SCRATCH/seg" --set "io.images=$SCRATCH/ingest" --set "retrieve.db=$SCRATCH/db"
        --set "retrieve.knowledge_base=$SRC/configs/knowledge_base.jsonl" --set run.threads=1)
run_np 2 cf-retrieve "${common[@]}" --set "io.output=$SCRATCH/reference" > "$SCRATCH/ref.json" 2> /dev/null
cat "$SCRATCH/ref.json"

# Kill -9 one rank once a shard is written, re-run.
OUT="$SCRATCH/killed run"
run_np 2 cf-retrieve "${common[@]}" --set "io.output=$OUT" --set debug.item_delay_ms=150 > /dev/null 2>&1 &
MPIRUN=$!
for _ in $(seq 1 400); do
  done_shards=$(ls "$OUT" 2>/dev/null | grep -c '^shard-.*\.h5$' || true)
  [ "$done_shards" -ge 1 ] && break
  sleep 0.025
done
victim=$(pgrep -f "cf-retrieve.*io.output=$OUT" | grep -v "^$MPIRUN$" | tail -1)
[ -n "$victim" ] || { echo "no rank to kill"; exit 1; }
echo "$done_shards shard(s) written; kill -9 rank process $victim"
kill -9 "$victim"
if wait "$MPIRUN"; then echo "the killed run should not succeed"; exit 1; fi
[ "$(ls "$OUT" | grep -c '^shard-.*\.h5$')" -lt 7 ] || { echo "run finished before the kill"; exit 1; }
run_np 2 cf-retrieve "${common[@]}" --set "io.output=$OUT" > "$SCRATCH/resumed.json" 2> /dev/null
cat "$SCRATCH/resumed.json"
grep -q '"shards_skipped":[1-9]' "$SCRATCH/resumed.json"
$PY "$SRC/tests/py/compare_outputs.py" "$SCRATCH/reference" "$OUT"

$PY - "$OUT" "$SCRATCH/seg" "$SCRATCH/B" "$SRC" <<'PYEOF'
import json, os, sys
sys.path.insert(0, os.path.join(sys.argv[4], "tests/py"))
from shards import read_shard, shard_paths
out, seg, corpus = sys.argv[1:4]

def fine(cls, kind):  # cf-build-db's build_db.labels = "fine"
    if kind and cls == "traffic_sign": return kind.replace("_", " ") + " sign"
    if kind and cls in ("animal", "debris"): return kind.replace("_", " ")
    return cls.replace("_", " ")

seg_ids = []
for p in shard_paths(seg):
    seg_ids += [x.decode() for x in read_shard(p)[1]["items"]["item_id"]]
seen, ok, total = [], 0, 0
for p in shard_paths(out):
    attrs, t = read_shard(p)
    ids = [x.decode() for x in t["items"]["item_id"]]
    seen += ids + [x.decode() for x in t["failures"]["item_id"]]
    r = t["tables/regions"]
    assert list(t["items"]["n_regions"]) == [sum(1 for x in r["item_row"] if x == k) for k in range(len(ids))]
    for i, row in enumerate(r["item_row"]):
        assert r["kb_name"][i] and r["description"][i] and r["driving_relevance"][i], "no knowledge-base text"
        assert r["label"][i] == b"unknown object" or r["top_k"][i].split(b";")[0].split(b":")[0], r["top_k"][i]
        lab = json.load(open(os.path.join(corpus, "labels", os.path.basename(ids[row])[:-4] + ".json")))
        obj = {o["id"]: o for o in lab["objects"]}[int(r["region_id"][i])]
        if obj["box"][2] * obj["box"][3] >= 24 * 24:
            total += 1
            ok += r["label"][i].decode() == fine(obj["class"], obj["attributes"].get("kind", ""))
assert sorted(seen) == sorted(seg_ids), "items lost or duplicated"
acc = ok / total
print(f"retrieve: {len(seen)} items exactly once; naming accuracy (boxes >= 24x24, other corpus): {ok}/{total} = {acc:.3f}")
assert acc >= 0.7, acc
PYEOF

# A missing upstream shard is named.
cp -r "$SCRATCH/seg" "$SCRATCH/seg2" && rm "$SCRATCH/seg2/shard-000002.h5"
set +e
run_np 2 cf-retrieve "${common[@]}" --set "io.input=$SCRATCH/seg2" --set "io.output=$SCRATCH/o3" > /dev/null 2> "$SCRATCH/err.txt"
rc=$?
set -e
[ "$rc" -ne 0 ] && grep -q "seg2/shard-000002.h5" "$SCRATCH/err.txt" || { echo "missing shard not named (rc $rc)"; cat "$SCRATCH/err.txt"; exit 1; }
# The torchscript backend with a small scripted encoder (random weights: only the plumbing).
cat > "$SCRATCH/mk_enc.py" <<'PYEOF'
import sys, torch
class Encoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.conv = torch.nn.Conv2d(3, 16, 8, stride=8)
        self.proj = torch.nn.Linear(16, 32)
    def forward(self, x):
        return self.proj(self.conv(x).mean(dim=(2, 3)))
torch.jit.script(Encoder()).save(sys.argv[1])
PYEOF
$PY "$SCRATCH/mk_enc.py" "$SCRATCH/enc.pt"
run_np 2 cf-build-db --set "io.input=$SCRATCH/A" --set "io.output=$SCRATCH/dbt" --set embed.backend=torchscript \
  --set "embed.module=$SCRATCH/enc.pt" --set build_db.proposals=false > /dev/null 2>&1
grep -q '"dim": 32' "$SCRATCH/dbt/meta.json"
run_np 2 cf-retrieve "${common[@]}" --set "retrieve.db=$SCRATCH/dbt" --set "io.output=$SCRATCH/rt" > "$SCRATCH/rt.json" 2> /dev/null
grep -q '"items_ok":32,' "$SCRATCH/rt.json"
echo garbage >> "$SCRATCH/enc.pt"  # a changed encoder is refused
set +e
run_np 1 cf-retrieve "${common[@]}" --set "retrieve.db=$SCRATCH/dbt" --set "io.output=$SCRATCH/rt2" > /dev/null 2> "$SCRATCH/err.txt"
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "missing or changed since" "$SCRATCH/err.txt" || { echo "changed encoder not refused"; cat "$SCRATCH/err.txt"; exit 1; }
echo "retrieve_resume: OK"
