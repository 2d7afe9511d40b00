#!/usr/bin/env bash
# Foundation ingest benchmark (docs/benchmarks.md, section "Ingest (foundation issue)").
#
#   tools/bench/bench_ingest.sh [N=2000]
#
# Builds nothing. Uses the binaries under BUILD (default: build):
#   $BUILD/jobs/cf-scenegen, $BUILD/jobs/cf-ingest,
#   $BASELINE (default: $BUILD/tools/bench/cf-bench-decode-baseline).
# Steps, all in one run, on one corpus of N generated 1280x720 JPEGs (clips 0):
#   (a) cf-scenegen with 1 rank (run.threads=1), then a fresh run with 2 ranks (1 thread each);
#   (b) the naive baseline (single-thread read + full decode + resize + encode) over the images,
#       once before and once after the ingest runs (their spread shows the machine's noise);
#   (c) cf-ingest of <corpus>/images with 1 rank, then 2 ranks, run.threads=1, fresh outputs;
#   (d) a Markdown table of the rates and ratios.
# The page cache cannot be dropped, so the images are read once (cat > /dev/null) before each
# timed read of them. cf-ingest's "seconds" covers the whole job: corpus scan, manifest, decode
# (phase A, timed per shard in OUT/logs/metrics-rank*.jsonl), the dedupe exchange and the final
# shard writes; the table splits it into decode and the rest.
# Environment: BUILD, BASELINE, MPIRUN (default "mpirun"), BENCH_TMP (parent of the temp dir),
# KEEP=1 keeps the temp dir.
set -euo pipefail

N=${1:-2000}
BUILD=${BUILD:-build}
BASELINE=${BASELINE:-$BUILD/tools/bench/cf-bench-decode-baseline}
MPIRUN=${MPIRUN:-mpirun}
SCENEGEN=$BUILD/jobs/cf-scenegen
INGEST=$BUILD/jobs/cf-ingest
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

for b in "$SCENEGEN" "$INGEST" "$BASELINE"; do
  [[ -x $b ]] || { echo "bench_ingest: missing executable '$b' (build first; BUILD=$BUILD)" >&2; exit 2; }
done
if [[ $(id -u) == 0 ]]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
MPI2=("$MPIRUN" -np 2 --oversubscribe --bind-to none)

T=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/cf-bench-ingest.XXXXXX")
cleanup() { if [[ ${KEEP:-0} == 1 ]]; then echo "kept $T" >&2; else rm -rf "$T"; fi; }
trap cleanup EXIT

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
now() { date +%s.%N; }

# run NAME CMD...: stdout -> $T/NAME.out, stderr -> $T/NAME.err, wall seconds -> $T/NAME.wall
run() {
  local name=$1; shift
  local t0 t1
  t0=$(now)
  if ! "$@" >"$T/$name.out" 2>"$T/$name.err"; then
    echo "bench_ingest: step '$name' failed: $*" >&2
    tail -20 "$T/$name.err" >&2
    exit 1
  fi
  t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >"$T/$name.wall"
  log "$name: $(grep '^{' "$T/$name.out" | tail -1)"
}

GEN=(--set scenegen.images="$N" --set scenegen.clips=0 --set scenegen.width=1280
     --set scenegen.height=720 --set run.threads=1)

log "N=$N, temp dir $T, $(nproc) cores"
# (a) generator
run gen1 "$SCENEGEN" --set io.output="$T/corpus" "${GEN[@]}"
run gen2 "${MPI2[@]}" "$SCENEGEN" --set io.output="$T/corpus2" "${GEN[@]}"
if diff -rq "$T/corpus/images" "$T/corpus2/images" >/dev/null; then echo yes >"$T/gen_identical"
else echo NO >"$T/gen_identical"; fi
rm -rf "$T/corpus2"
IMAGES=$T/corpus/images
warm() { cat "$IMAGES"/* >/dev/null; }

# (b) baseline, (c) cf-ingest (input: the images directory only, so masks/*.png are not ingested)
warm; run base1 "$BASELINE" "$IMAGES" 640 90
ING=(--set io.input="$IMAGES" --set image.max_side=640 --set image.jpeg_quality=90 --set run.threads=1)
warm; run ingest1 "$INGEST" --set io.output="$T/out1" "${ING[@]}"
warm; run ingest2 "${MPI2[@]}" "$INGEST" --set io.output="$T/out2" "${ING[@]}"
warm; run base2 "$BASELINE" "$IMAGES" 640 90
du -sb "$IMAGES" | cut -f1 >"$T/images_bytes"
du -sb "$T/out1" | cut -f1 >"$T/out1_bytes"

# (d) table
"$PY" - "$T" "$N" <<'PYEOF'
import glob, json, os, sys
T, N = sys.argv[1], int(sys.argv[2])

def summary(name):
    lines = [l for l in open(os.path.join(T, name + ".out")) if l.startswith("{")]
    return json.loads(lines[-1])

def wall(name):
    return float(open(os.path.join(T, name + ".wall")).read())

def decode_seconds(out):
    """Per rank: summed phase-A seconds of its shards, from the metrics JSONL."""
    per = {}
    for f in sorted(glob.glob(os.path.join(T, out, "logs", "metrics-rank*.jsonl"))):
        rank = f.rsplit("rank", 1)[1].split(".")[0]
        per[rank] = sum(j["seconds"] for j in map(json.loads, open(f))
                        if j.get("phase") == "decode")
    return per

g1, g2 = summary("gen1"), summary("gen2")
b = [summary("base1"), summary("base2")]
i1, i2 = summary("ingest1"), summary("ingest2")
for name, s in (("gen1", g1), ("gen2", g2)):
    assert s["items_ok"] == N, (name, s)
for s in b:
    assert s["images"] == N, s
for s in (i1, i2):
    assert s["files"] == N and s["items_failed"] == 0, s

base_rate = sum(x["images_per_s"] for x in b) / 2
base_bps = sum(x["input_bytes_per_s"] for x in b) / 2
r_g1, r_g2 = N / g1["seconds"], N / g2["seconds"]
r_i1, r_i2 = N / i1["seconds"], N / i2["seconds"]
d1, d2 = decode_seconds("out1"), decode_seconds("out2")
img_bytes = int(open(os.path.join(T, "images_bytes")).read())

print()
print(f"### N = {N} images of 1280x720 ({img_bytes / N / 1e3:.0f} kB/JPEG avg), "
      f"max_side 640, JPEG q90, run.threads=1")
print()
print("| measurement | seconds | wall s | images/s total | images/s per rank | notes |")
print("|---|---:|---:|---:|---:|---|")
print(f"| baseline decode+resize+encode (1 thread), pass 1 | {b[0]['seconds']:.2f} | {wall('base1'):.2f} "
      f"| {b[0]['images_per_s']:.1f} | {b[0]['images_per_s']:.1f} | input {b[0]['input_bytes_per_s']/1e6:.1f} MB/s; "
      f"decode {b[0]['decode_seconds']:.2f} s, resize {b[0]['resize_seconds']:.2f} s, encode {b[0]['encode_seconds']:.2f} s |")
print(f"| baseline, pass 2 (after the ingest runs) | {b[1]['seconds']:.2f} | {wall('base2'):.2f} "
      f"| {b[1]['images_per_s']:.1f} | {b[1]['images_per_s']:.1f} | input {b[1]['input_bytes_per_s']/1e6:.1f} MB/s; "
      f"decode {b[1]['decode_seconds']:.2f} s, resize {b[1]['resize_seconds']:.2f} s, encode {b[1]['encode_seconds']:.2f} s |")
for name, s, r, ranks, d in (("cf-ingest, 1 rank", i1, r_i1, 1, d1), ("cf-ingest, 2 ranks", i2, r_i2, 2, d2)):
    ds = ", ".join(f"r{k} {v:.2f} s" for k, v in sorted(d.items()))
    rest = s["seconds"] - max(d.values())
    print(f"| {name} | {s['seconds']:.2f} | {wall('ingest1' if ranks == 1 else 'ingest2'):.2f} | {r:.1f} "
          f"| {r / ranks:.1f} | decode phase {ds}; scan+dedupe+write+rest {rest:.2f} s; "
          f"items_ok {s['items_ok']}, dups {s['exact_duplicates']}+{s['near_duplicates']} |")
print(f"| cf-scenegen, 1 rank | {g1['seconds']:.2f} | {wall('gen1'):.2f} | {r_g1:.1f} | {r_g1:.1f} | image+mask+label per item |")
print(f"| cf-scenegen, 2 ranks | {g2['seconds']:.2f} | {wall('gen2'):.2f} | {r_g2:.1f} | {r_g2 / 2:.1f} "
      f"| images byte-identical to 1 rank: {open(os.path.join(T, 'gen_identical')).read().strip()} |")
print()
print("| ratio | value | goal |")
print("|---|---:|---|")
print(f"| cf-ingest scaling, 2-rank rate / 1-rank rate | {r_i2 / r_i1:.2f}x | >= 1.8x |")
print(f"| cf-ingest per-rank rate, 1 rank | {r_i1:.1f}/s | >= 100 images/s per core |")
print(f"| cf-ingest per-rank rate, 2 ranks | {r_i2 / 2:.1f}/s | >= 100 images/s per core |")
print(f"| cf-ingest 1-rank rate / baseline rate | {r_i1 / base_rate:.2f}x | |")
print(f"| cf-ingest 2-rank per-rank rate / baseline rate | {r_i2 / 2 / base_rate:.2f}x | |")
print(f"| cf-ingest 1-rank decode phase only / baseline rate | {N / max(d1.values()) / base_rate:.2f}x | |")
print(f"| baseline rate (mean of 2 passes) | {base_rate:.1f} images/s, {base_bps / 1e6:.1f} MB/s input | |")
print(f"| cf-ingest 1-rank input bytes/s | {img_bytes / i1['seconds'] / 1e6:.1f} MB/s | |")
print(f"| cf-scenegen scaling, 2-rank rate / 1-rank rate | {r_g2 / r_g1:.2f}x | |")
print()
print("Raw JSON summaries:")
for name in ("gen1", "gen2", "base1", "ingest1", "ingest2", "base2"):
    print(f"    {name}: {json.dumps(summary(name), separators=(',', ':'))}")
PYEOF
