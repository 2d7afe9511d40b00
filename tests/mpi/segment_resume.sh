#!/usr/bin/env bash
# cf-segment end to end: 1 vs 2 ranks give identical shards; kill -9 one rank midway and re-run:
# every ingest item is exactly once in segment items or failures, and the output equals the
# uninterrupted run; RLE strings decode (independent Python decoder) to the stored area and
# box; a missing upstream shard is an error naming it; the SAM backend runs over a tiny
# TorchScript pair.
source "$(dirname "$0")/common.sh"
"$BUILD/jobs/cf-scenegen" --set "io.output=$SCRATCH/corpus" --set scenegen.images=40 --set scenegen.clips=1 \
  --set scenegen.clip_seconds=1.0 --set scenegen.width=320 --set scenegen.height=180 > /dev/null 2>&1
"$BUILD/jobs/cf-ingest" --set "io.input=$SCRATCH/corpus" --set "io.output=$SCRATCH/ingest" \
  --set ingest.shard_cost=6 > /dev/null 2>&1
common=(--set "io.input=$SCRATCH/ingest" --set run.threads=1)

run_np 1 cf-segment "${common[@]}" --set "io.output=$SCRATCH/ref1" > "$SCRATCH/ref1.json" 2>/dev/null
run_np 2 cf-segment "${common[@]}" --set "io.output=$SCRATCH/ref2" > "$SCRATCH/ref2.json" 2>/dev/null
cat "$SCRATCH/ref2.json"
$PY "$SRC/tests/py/compare_outputs.py" "$SCRATCH/ref1" "$SCRATCH/ref2"

check() {  # check SEGMENT_OUT: exactly once, consistent regions, RLE decodes to area and box
  $PY - "$SCRATCH/ingest" "$1" "$SRC/tests/py" <<'PYEOF'
import collections, sys
sys.path.insert(0, sys.argv[3])
import shards

def rle_counts(s):  # pycocotools rleFrString
    counts, p = [], 0
    while p < len(s):
        x, k, more = 0, 0, True
        while more:
            c = s[p] - 48
            x |= (c & 0x1f) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts

ingest = collections.Counter()
for p in shards.shard_paths(sys.argv[1]):
    ingest.update(shards.read_shard(p)[1]["items"]["item_id"])
seen = collections.Counter()
regions = 0
for p in shards.shard_paths(sys.argv[2]):
    attrs, t = shards.read_shard(p)
    items, reg = t["items"], t["tables/regions"]
    seen.update(items["item_id"])
    seen.update(t["failures"]["item_id"])
    assert list(items["n_regions"]) == [int((reg["item_row"] == i).sum()) for i in range(len(items["item_id"]))], p
    for r in range(len(reg["rle"])):
        row = int(reg["item_row"][r])
        h, w = int(items["height"][row]), int(items["width"][row])
        c = rle_counts(reg["rle"][r])
        assert sum(c) == h * w, (p, r)
        assert sum(c[1::2]) == reg["area"][r], (p, r)
        ones = [(s, n) for s, n in zip(__import__("itertools").accumulate([0] + c[:-1]), c)][1::2]
        cols = [q // h for s, n in ones if n for q in (s, s + n - 1)]
        assert min(cols) == reg["box_x"][r] and max(cols) - min(cols) + 1 == reg["box_w"][r], (p, r)
        assert 0 <= reg["predicted_iou"][r] <= 1 and 0 <= reg["stability_score"][r] <= 1, (p, r)
    regions += len(reg["rle"])
assert seen == ingest, f"segment items+failures != ingest items: {set(seen) ^ set(ingest)}"
assert max(seen.values()) == 1
assert regions > 0
print(f"check: {len(ingest)} items exactly once, {regions} regions consistent")
PYEOF
}
check "$SCRATCH/ref2"

# Slow run (80 ms per item), one rank killed once some shards are written.
OUT="$SCRATCH/killed run"
KILL_AFTER=2 kill_midway cf-segment "$OUT" "${common[@]}" --set debug.item_delay_ms=80
total=$(ls "$SCRATCH/ref1" | grep -c '^shard-.*\.h5$')
[ "$(ls "$OUT" | grep -c '^shard-.*\.h5$')" -lt "$total" ] || { echo "run finished before the kill"; exit 1; }
run_np 2 cf-segment "${common[@]}" --set "io.output=$OUT" > "$SCRATCH/resumed.json" 2>/dev/null
cat "$SCRATCH/resumed.json"
grep -q '"shards_skipped":[1-9]' "$SCRATCH/resumed.json"
check "$OUT"
$PY "$SRC/tests/py/compare_outputs.py" "$SCRATCH/ref1" "$OUT"

# Missing upstream shard: non-zero exit, the message names the file.
cp -r "$SCRATCH/ingest" "$SCRATCH/ingest_damaged"
rm "$SCRATCH/ingest_damaged/shard-000002.h5"
set +e
run_np 2 cf-segment --set "io.input=$SCRATCH/ingest_damaged" --set "io.output=$SCRATCH/o3" > /dev/null 2> "$SCRATCH/err.txt"
rc=$?
set -e
[ "$rc" -ne 0 ] || { echo "missing upstream shard should fail"; exit 1; }
grep -q "shard-000002.h5" "$SCRATCH/err.txt" || { echo "error does not name the shard:"; cat "$SCRATCH/err.txt"; exit 1; }

# An undecodable image (bytes overwritten in place, checksum recomputed) becomes a failure
# record of that item; the rest of its shard is segmented.
cp -r "$SCRATCH/ingest" "$SCRATCH/ingest_bad"
bad_id=$($PY - "$SCRATCH/ingest_bad/shard-000001.h5" "$SRC/tests/py" <<'PYEOF'
import sys
import h5py
import numpy as np
sys.path.insert(0, sys.argv[2])
import shards
with h5py.File(sys.argv[1], "r+") as f:
    off = f["items/image/offsets"][()]
    data = f["items/image/data"]
    data[off[0]:off[1]] = np.zeros(off[1] - off[0], dtype=np.uint8)
    item = bytes(f["items/item_id/data"][()][: f["items/item_id/offsets"][1]]).decode()
with h5py.File(sys.argv[1], "r") as f:
    tables = {"items": shards.read_table(f, "items"), "failures": shards.read_table(f, "failures")}
with h5py.File(sys.argv[1], "r+") as f:
    f.attrs["cf_checksum"] = np.int64(shards.checksum(tables))
print(item)
PYEOF
)
run_np 2 cf-segment --set "io.input=$SCRATCH/ingest_bad" --set "io.output=$SCRATCH/bad_out" > "$SCRATCH/bad.json" 2>/dev/null
cat "$SCRATCH/bad.json"
grep -q '"items_failed":1,' "$SCRATCH/bad.json"
$PY - "$SCRATCH/bad_out/shard-000001.h5" "$bad_id" "$SRC/tests/py" <<'PYEOF'
import sys
sys.path.insert(0, sys.argv[3])
import shards
_, t = shards.read_shard(sys.argv[1])
f = t["failures"]
assert f["item_id"] == [sys.argv[2].encode()] and f["stage"] == [b"segment"], f
assert b"does not decode" in f["reason"][0], f["reason"]
assert sys.argv[2].encode() not in t["items"]["item_id"]
PYEOF

# SAM backend over a tiny TorchScript pair with SAM's signatures.
$PY "$SRC/tests/py/make_tiny_sam.py" "$SCRATCH/sam" --size 256
run_np 1 cf-segment "${common[@]}" --set "io.output=$SCRATCH/sam_out" --set segment.backend=sam \
  --set "sam.image_encoder=$SCRATCH/sam/image_encoder.pt" --set "sam.mask_decoder=$SCRATCH/sam/mask_decoder.pt" \
  --set sam.image_size=256 --set sam.points_per_side=4 > "$SCRATCH/sam.json" 2>/dev/null
cat "$SCRATCH/sam.json"
check "$SCRATCH/sam_out"
set +e
run_np 1 cf-segment "${common[@]}" --set "io.output=$SCRATCH/sam_bad" --set segment.backend=sam > /dev/null 2> "$SCRATCH/err.txt"
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "sam.image_encoder" "$SCRATCH/err.txt" || { echo "missing sam.image_encoder should be a config error (rc $rc)"; cat "$SCRATCH/err.txt"; exit 1; }
echo "segment_resume: OK"
