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
#   (b) the naive baseline (single-thread read + full decode + resize + encode) over the images;
#   (c) cf-ingest of <corpus>/images with 1 rank, then 2 ranks, run.threads=1, fresh outputs;
#       (b) and (c) are repeated REPEAT (default 3) interleaved rounds: the machine is shared, so
#       the table takes the fastest round of each step (and shows the medians too);
#   (d) a Markdown table of the rates and ratios. For every step it also reports the CPU that
#       other processes used meanwhile ("other load", from /proc/stat): a 2-rank step on a
#       2-core machine only measures scaling when that is ~0.
# The page cache cannot be dropped, so the images are read once (cat > /dev/null) before each
# timed read of them. cf-ingest's "seconds" covers the whole job: corpus scan, manifest, decode
# (phase A, timed per shard in OUT/logs/metrics-rank*.jsonl), the dedupe exchange and the final
# shard writes; the table splits it into decode and the rest.
# Environment: BUILD, BASELINE, REPEAT, MPIRUN (default "mpirun"), BENCH_TMP (parent of the
# temp dir), KEEP=1 keeps the temp dir. Needs python3 and GNU time (/usr/bin/time).
set -euo pipefail

N=${1:-2000}
REPEAT=${REPEAT:-3}
BUILD=${BUILD:-build}
BASELINE=${BASELINE:-$BUILD/tools/bench/cf-bench-decode-baseline}
MPIRUN=${MPIRUN:-mpirun}
SCENEGEN=$BUILD/jobs/cf-scenegen
INGEST=$BUILD/jobs/cf-ingest
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

for b in "$SCENEGEN" "$INGEST" "$BASELINE" /usr/bin/time; do
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

# Busy and steal jiffies of the whole machine (cpu line of /proc/stat).
cpustat() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $9 }' /proc/stat; }

# run NAME CMD...: stdout -> $T/NAME.out, stderr -> $T/NAME.err; $T/NAME.cpu gets
# "wall user sys machine_busy steal" in seconds (user+sys include the ranks mpirun waits for;
# machine_busy - user - sys is CPU that other processes used meanwhile).
run() {
  local name=$1; shift
  local b0 s0 b1 s1
  read -r b0 s0 < <(cpustat)
  if ! /usr/bin/time -f "%e %U %S" -o "$T/$name.time" "$@" >"$T/$name.out" 2>"$T/$name.err"; then
    echo "bench_ingest: step '$name' failed: $*" >&2
    tail -20 "$T/$name.err" >&2
    exit 1
  fi
  read -r b1 s1 < <(cpustat)
  echo "$(tail -1 "$T/$name.time") $(awk -v a="$b0" -v b="$b1" -v c="$s0" -v d="$s1" -v hz="$HZ" \
    'BEGIN { printf "%.2f %.2f", (b - a) / hz, (d - c) / hz }')" >"$T/$name.cpu"
  log "$name: $(grep '^{' "$T/$name.out" | tail -1)"
}
HZ=$(getconf CLK_TCK)

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

# (b) baseline, (c) cf-ingest (input: the images directory only, so masks/*.png are not
# ingested), interleaved, REPEAT rounds; the table uses the fastest of each.
ING=(--set io.input="$IMAGES" --set image.max_side=640 --set image.jpeg_quality=90 --set run.threads=1)
for k in $(seq 1 "$REPEAT"); do
  warm; run "base_$k" "$BASELINE" "$IMAGES" 640 90
  warm; run "ingest1_$k" "$INGEST" --set io.output="$T/out1_$k" "${ING[@]}"
  warm; run "ingest2_$k" "${MPI2[@]}" "$INGEST" --set io.output="$T/out2_$k" "${ING[@]}"
done
du -sb "$IMAGES" | cut -f1 >"$T/images_bytes"

# (d) table
"$PY" - "$T" "$N" "$REPEAT" <<'PYEOF'
import glob, json, os, statistics, sys
T, N, R = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
NCPU = os.cpu_count()

def summary(name):
    lines = [l for l in open(os.path.join(T, name + ".out")) if l.startswith("{")]
    return json.loads(lines[-1])

def cpu(name):
    """wall, own CPU (user+sys), cores used by other processes meanwhile, steal cores."""
    wall, user, sys_, busy, steal = map(float, open(os.path.join(T, name + ".cpu")).read().split())
    own = user + sys_
    return wall, own, max(0.0, busy - own) / wall, steal / wall

def decode_seconds(out):
    """Per rank: summed phase-A (decode) seconds of its shards, from the metrics JSONL."""
    per = {}
    for f in sorted(glob.glob(os.path.join(T, out, "logs", "metrics-rank*.jsonl"))):
        rank = f.rsplit("rank", 1)[1].split(".")[0]
        per[rank] = sum(j["seconds"] for j in map(json.loads, open(f)) if j.get("phase") == "decode")
    return per

def best(prefix):
    """(name, summary) of the fastest of the R rounds, and all their seconds."""
    runs = [(f"{prefix}_{k}", summary(f"{prefix}_{k}")) for k in range(1, R + 1)]
    return min(runs, key=lambda r: r[1]["seconds"]), [r[1]["seconds"] for r in runs]

g1, g2 = summary("gen1"), summary("gen2")
assert g1["items_ok"] == N and g2["items_ok"] == N, (g1, g2)
for k in range(1, R + 1):
    assert summary(f"base_{k}")["images"] == N
    for r in (1, 2):
        s = summary(f"ingest{r}_{k}")
        assert s["files"] == N and s["items_failed"] == 0, s

(bn, b), bs = best("base")
(i1n, i1), i1s = best("ingest1")
(i2n, i2), i2s = best("ingest2")
base_rate = N / b["seconds"]
r_g1, r_g2 = N / g1["seconds"], N / g2["seconds"]
r_i1, r_i2 = N / i1["seconds"], N / i2["seconds"]
med = lambda xs: statistics.median(xs)
img_bytes = int(open(os.path.join(T, "images_bytes")).read())

def others(name):
    w, own, oth, st = cpu(name)
    return f"{oth:.2f}" + (f" (+{st:.2f} steal)" if st >= 0.01 else "")

def all_s(xs):
    return "/".join(f"{x:.2f}" for x in xs)

print()
print(f"### N = {N} JPEGs of 1280x720 ({img_bytes / N / 1e3:.0f} kB avg), max_side 640, q90, "
      f"run.threads=1, best of {R} interleaved rounds")
print()
print("| step | seconds | images/s total | images/s per rank | other load (cores) | notes |")
print("|---|---:|---:|---:|---:|---|")
print(f"| baseline: read + full decode + resize + encode, 1 thread | {b['seconds']:.2f} | {base_rate:.1f} "
      f"| {base_rate:.1f} | {others(bn)} | input {b['input_bytes_per_s'] / 1e6:.1f} MB/s; decode "
      f"{b['decode_seconds']:.2f} s, resize {b['resize_seconds']:.2f} s, encode {b['encode_seconds']:.2f} s, "
      f"read {b['read_seconds']:.2f} s; all rounds {all_s(bs)} s |")
for label, name, s, rounds, ranks in (("cf-ingest, 1 rank", i1n, i1, i1s, 1),
                                      ("cf-ingest, 2 ranks", i2n, i2, i2s, 2)):
    d = decode_seconds("out" + name[len("ingest"):])
    ds = ", ".join(f"r{k} {v:.2f} s" for k, v in sorted(d.items()))
    r = N / s["seconds"]
    print(f"| {label} | {s['seconds']:.2f} | {r:.1f} | {r / ranks:.1f} | {others(name)} "
          f"| decode phase (A) {ds}; rest (scan, manifest, dedupe, final shards) "
          f"{s['seconds'] - max(d.values()):.2f} s; items_ok {s['items_ok']} "
          f"(near-dups {s['near_duplicates']}, exact {s['exact_duplicates']}); all rounds {all_s(rounds)} s |")
print(f"| cf-scenegen, 1 rank | {g1['seconds']:.2f} | {r_g1:.1f} | {r_g1:.1f} | {others('gen1')} "
      f"| writes image + 16-bit PNG mask + JSON label per item |")
print(f"| cf-scenegen, 2 ranks | {g2['seconds']:.2f} | {r_g2:.1f} | {r_g2 / 2:.1f} | {others('gen2')} "
      f"| images byte-identical to the 1-rank run: {open(os.path.join(T, 'gen_identical')).read().strip()} |")
print()
print("| ratio (best rounds) | value | median rounds | goal |")
print("|---|---:|---:|---|")
print(f"| cf-ingest scaling: 2-rank rate / 1-rank rate | {r_i2 / r_i1:.2f}x | {med(i1s) / med(i2s):.2f}x | >= 1.8x |")
print(f"| cf-ingest images/s per rank, 1 rank | {r_i1:.1f} | {N / med(i1s):.1f} | >= 100 per core |")
print(f"| cf-ingest images/s per rank, 2 ranks | {r_i2 / 2:.1f} | {N / med(i2s) / 2:.1f} | >= 100 per core |")
print(f"| cf-ingest 1 rank / baseline | {r_i1 / base_rate:.2f}x | {med(bs) / med(i1s):.2f}x | |")
print(f"| cf-ingest per rank at 2 ranks / baseline | {r_i2 / 2 / base_rate:.2f}x | {med(bs) / med(i2s) / 2:.2f}x | |")
print(f"| cf-ingest 1-rank decode phase alone / baseline | {N / max(decode_seconds('out' + i1n[len('ingest'):]).values()) / base_rate:.2f}x | | |")
print(f"| baseline input bytes/s | {b['input_bytes_per_s'] / 1e6:.1f} MB/s | {img_bytes / med(bs) / 1e6:.1f} MB/s | |")
print(f"| cf-ingest 1-rank input bytes/s | {img_bytes / i1['seconds'] / 1e6:.1f} MB/s | {img_bytes / med(i1s) / 1e6:.1f} MB/s | |")
print(f"| cf-scenegen scaling: 2-rank rate / 1-rank rate (single runs) | {r_g2 / r_g1:.2f}x | | |")
print()
print(f"'other load' = CPU that other processes used during the step, in cores (of {NCPU}), from")
print("/proc/stat minus the step's own user+sys; steal = hypervisor steal. seconds = the job's own")
print("\"seconds\" (cf-ingest: whole job incl. scan, dedupe exchange and shard writes; excludes mpirun start-up).")
print()
print("Raw JSON summaries (name: summary | wall s, own CPU s, other load in cores):")
names = ["gen1", "gen2"] + [f"{p}_{k}" for k in range(1, R + 1) for p in ("base", "ingest1", "ingest2")]
for name in names:
    w, own, oth, st = cpu(name)
    print(f"    {name}: {json.dumps(summary(name), separators=(',', ':'))} | {w:.2f}, {own:.2f}, {oth:.2f}"
          + (f" (+{st:.2f} steal)" if st >= 0.01 else ""))
PYEOF
