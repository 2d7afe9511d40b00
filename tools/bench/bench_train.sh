#!/usr/bin/env bash
# Trainer benchmark (docs/benchmarks.md, section "Trainer (issue 3)").
#
#   tools/bench/bench_train.sh [PRESETS="tiny small"]
#
# Builds nothing. Uses $BUILD/jobs/cf-train, $BUILD/tests/cf-test-tokens and
# tools/bench/train_baseline.py (the same model and SFT step in PyTorch, /usr/bin/python3).
# For each preset (configs/model/<preset>.toml), on a generated token set (cf-test-tokens: one
# 64x64 JPEG per sample, P = patches image placeholders, vocab of the preset), REPEAT rounds of
#   baseline (1 process, THREADS threads) | cf-train 1 rank (run.threads=THREADS) |
#   cf-train 2 ranks (mpirun, run.threads=THREADS/2)
# back to back, all with bf16, the same global batch in the same order and micro-batch size.
# tokens/s = non-pad tokens / step seconds summed over the steps after WARMUP (cf-train: from
# OUT/logs/metrics-rank0.jsonl, which times each step without the checkpoint; baseline: its
# JSON line, timed the same way). The table shows medians of the rounds.
# "ratio per core" divides each rate by the threads of all its processes (the 2-rank run uses
# 2 x max(1, THREADS/2) threads, i.e. 2 cores when THREADS=1).
# FLOP/s = tokens/s x the model FLOPs per token of these batches (train_baseline.py
# flops_per_micro_batch: 6 x matmul parameters x tokens + full T x T attention, on padded
# shapes), against the best 1-thread bf16 GEMM rate of torch (2048^2) measured here times the
# run's threads (cores). "other load" = CPU time of other processes during the run / wall time.
# Memory: peak RSS of every process (/usr/bin/time -v, includes start-up and cf-train's final
# checkpoint) and the highest RSS sampled while the steps ran, beside cf-train's memory plan
# (its log: ZeRO-2 2Psi + 14Psi/N, plain data parallel 16Psi).
# Environment: BUILD (default build), REPEAT (3), THREADS (nproc), STEPS_tiny (12),
# STEPS_small (3), WARMUP_tiny (2), WARMUP_small (1), GB_<preset>/MB_<preset> global and micro
# batch (tiny 8/4, small 4/2), MPIRUN, BENCH_TMP, KEEP=1 keeps the temp dir.
set -euo pipefail

PRESETS=${1:-"tiny small"}
REPEAT=${REPEAT:-3}
BUILD=${BUILD:-build}
THREADS=${THREADS:-$(nproc)}
MPIRUN=${MPIRUN:-mpirun}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
TRAIN=$BUILD/jobs/cf-train
TOKENS=$BUILD/tests/cf-test-tokens
PY=/usr/bin/python3
BASE=$SRC/tools/bench/train_baseline.py
for b in "$TRAIN" "$TOKENS" "$PY" /usr/bin/time; do
  [[ -x $b ]] || { echo "bench_train: missing executable '$b' (build first; BUILD=$BUILD)" >&2; exit 2; }
done
if [[ $(id -u) == 0 ]]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
T=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/cf-bench-train.XXXXXX")
cleanup() { if [[ ${KEEP:-0} == 1 ]]; then echo "kept $T" >&2; else rm -rf "$T"; fi; }
trap cleanup EXIT
log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
HZ=$(getconf CLK_TCK)
cpustat() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

# RSS sampler: every 0.5 s, "epoch_seconds pid rss_kB" of every descendant of $1 -> $2.
descendants() { local c; for c in $(pgrep -P "$1" || true); do echo "$c"; descendants "$c"; done; }
sample_rss() {
  while kill -0 "$1" 2>/dev/null; do
    local now p; now=$(date +%s.%N)
    for p in $(descendants "$1"); do
      awk -v t="$now" -v p="$p" '/^VmRSS/ { print t, p, $2 }' "/proc/$p/status" 2>/dev/null || true
    done
    sleep 0.5
  done >"$2"
}

# run NAME CMD...: stdout/stderr -> $T/NAME.{out,err}; $T/NAME.cpu = "wall own_cpu machine_busy".
run() {
  local name=$1; shift
  local b0 b1 t0 t1 pid
  b0=$(cpustat); t0=$(date +%s.%N)
  "$@" >"$T/$name.out" 2>"$T/$name.err" &
  pid=$!
  sample_rss "$pid" "$T/$name.samples" &
  if ! wait "$pid"; then
    echo "bench_train: step '$name' failed: $*" >&2; tail -20 "$T/$name.err" >&2; exit 1
  fi
  wait
  b1=$(cpustat); t1=$(date +%s.%N)
  awk -v a="$b0" -v b="$b1" -v s="$t0" -v e="$t1" -v hz="$HZ" 'BEGIN { printf "%.2f %.2f\n", e - s, (b - a) / hz }' \
    >"$T/$name.cpu"
  log "$name done ($(cut -d' ' -f1 "$T/$name.cpu") s, load $(cut -d' ' -f1 /proc/loadavg))"
}
timed() {  # timed FILE CMD...: GNU time -v of one process into FILE
  local f=$1; shift
  /usr/bin/time -v -o "$f" "$@"
}
export -f timed

log "temp dir $T; $(nproc) cores, THREADS=$THREADS; load average $(cut -d' ' -f1-3 /proc/loadavg)"
uptime >"$T/load_start"
# bf16 GEMM peak of this machine through torch (oneDNN), THREADS and 1 thread.
"$PY" - "$THREADS" >"$T/peak.json" <<'PYEOF'
import json, sys, time, torch
out = {}
for th in sorted({1, int(sys.argv[1])}):
    torch.set_num_threads(th)
    n = 2048
    a, b = torch.randn(n, n).bfloat16(), torch.randn(n, n).bfloat16()
    a @ b
    best = 0.0
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(4):
            a @ b
        best = max(best, 2 * n ** 3 * 4 / (time.perf_counter() - t))
    out[str(th)] = best
print(json.dumps(out))
PYEOF
log "bf16 GEMM peak (FLOP/s by threads): $(cat "$T/peak.json")"

for preset in $PRESETS; do
  cfg=$SRC/configs/model/$preset.toml
  read -r image patch vocab < <("$PY" -c "import tomllib,sys; c=tomllib.load(open(sys.argv[1],'rb'));
print(c['vision']['image_size'], c['vision']['patch_size'], c['text']['vocab'])" "$cfg")
  p=$(( (image / patch) * (image / patch) ))
  gb_var=GB_$preset; mb_var=MB_$preset; st_var=STEPS_$preset; wu_var=WARMUP_$preset
  defgb=8; defmb=4; defst=12; defwu=2
  if [[ $preset == small ]]; then defgb=4; defmb=2; defst=3; defwu=1; fi
  GB=${!gb_var:-$defgb}; MB=${!mb_var:-$defmb}; STEPS=${!st_var:-$defst}; WU=${!wu_var:-$defwu}
  echo "$GB $MB $STEPS $WU $p" >"$T/$preset.setup"
  "$TOKENS" "$T/data_$preset" $(( GB * (STEPS + 1) )) --image-tokens "$p" --vocab "$vocab" --seed 1
  CF=(--set "io.input=$T/data_$preset" --set "model.preset=$cfg" --set train.dtype=bf16
      --set train.global_batch="$GB" --set train.micro_batch="$MB" --set train.max_steps="$STEPS"
      --set checkpoint.every_steps=0)
  for k in $(seq 1 "$REPEAT"); do
    run "${preset}_base_$k" timed "$T/${preset}_base_$k.time" "$PY" "$BASE" --data "$T/data_$preset" \
      --preset "$cfg" --steps "$STEPS" --warmup "$WU" --threads "$THREADS" --global-batch "$GB" --micro-batch "$MB"
    run "${preset}_cf1_$k" timed "$T/${preset}_cf1_$k.time" "$TRAIN" "${CF[@]}" \
      --set "io.output=$T/out_${preset}_cf1_$k" --set run.threads="$THREADS"
    run "${preset}_cf2_$k" "$MPIRUN" -np 2 --oversubscribe --bind-to none \
      bash -c 'timed "$0.$OMPI_COMM_WORLD_RANK" "$@"' "$T/${preset}_cf2_$k.time" "$TRAIN" "${CF[@]}" \
      --set "io.output=$T/out_${preset}_cf2_$k" --set run.threads=$(( THREADS > 1 ? THREADS / 2 : 1 ))
  done
done
uptime >"$T/load_end"

"$PY" - "$T" "$REPEAT" "$THREADS" "$PRESETS" <<'PYEOF'
import glob, json, os, re, statistics, sys
T, R, TH, presets = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split()
peak = json.load(open(os.path.join(T, "peak.json")))
med = statistics.median
MiB = 1 << 20

def cpu(name):
    wall, busy = map(float, open(os.path.join(T, name + ".cpu")).read().split())
    return wall, busy

def own_cpu(name):
    s = 0.0
    for f in glob.glob(os.path.join(T, name + ".time*")):
        t = open(f).read()
        s += sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", t))
    return s

def peak_rss(name):
    """Per process: peak RSS in MiB from GNU time -v."""
    out = []
    for f in sorted(glob.glob(os.path.join(T, name + ".time*"))):
        out.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f).read()).group(1)) / 1024)
    return out

def steps_rss(name, until):
    """Highest sampled RSS of any single cf-train/python process up to time `until`."""
    best = 0
    for line in open(os.path.join(T, name + ".samples")):
        t, pid, kb = line.split()
        if float(t) <= until:
            best = max(best, int(kb))
    return best / 1024

def cf_rate(name, wu):
    recs = [json.loads(l) for l in open(os.path.join(T, "out_" + name, "logs", "metrics-rank0.jsonl"))]
    recs = [r for r in recs if "tokens_per_s" in r and "step" in r]
    timed = [r for r in recs if r["step"] > wu]
    secs = sum(r["tokens"] / r["tokens_per_s"] for r in timed)
    return sum(r["tokens"] for r in timed) / secs, recs[-1]["time"], [r["loss"] for r in recs]

def plan(name):
    m = re.search(r"= ([\d.]+) MiB; ZeRO-2 formula 2Psi\+14Psi/N = ([\d.]+) MiB; plain data parallel 16Psi = ([\d.]+) MiB",
                  open(os.path.join(T, name + ".err")).read())
    return tuple(float(x) for x in m.groups())

print(f"\n### Trainer throughput: bf16, threads per process: baseline {TH}, cf-train 1 rank {TH}, "
      f"2 ranks {max(1, TH // 2)} each; medians of {R} interleaved rounds")
print(f"\nbf16 GEMM peak via torch (2048^2): {peak[str(TH)] / 1e9:.0f} GFLOP/s with {TH} threads, "
      f"{peak['1'] / 1e9:.0f} GFLOP/s with 1 thread.")
print(f"Load average at start: {open(os.path.join(T, 'load_start')).read().split('load average:')[1].strip()}; "
      f"at end: {open(os.path.join(T, 'load_end')).read().split('load average:')[1].strip()}\n")
print("| preset | run | tokens/s (median) | all rounds | ratio to baseline | ratio per core | model GFLOP/s | of 1-thread bf16 peak x cores | other load (cores) |")
print("|---|---|---:|---|---:|---:|---:|---:|---:|")
cores = {"base": TH, "cf1": TH, "cf2": 2 * max(1, TH // 2)}  # threads of all processes of a run
mem_rows, raw = [], []
for preset in presets:
    gb, mb, steps, wu, p = map(int, open(os.path.join(T, preset + ".setup")).read().split())
    base = [json.loads([l for l in open(os.path.join(T, f"{preset}_base_{k}.out")) if l.startswith("{")][-1])
            for k in range(1, R + 1)]
    fpt = med(b["flops_per_token"] for b in base)
    rows = {"baseline (PyTorch, 1 process)": [b["tokens_per_s"] for b in base]}
    names = {"baseline (PyTorch, 1 process)": "base"}
    for ranks in (1, 2):
        label = f"cf-train {ranks} rank" + ("s" if ranks > 1 else "")
        rows[label] = [cf_rate(f"{preset}_cf{ranks}_{k}", wu)[0] for k in range(1, R + 1)]
        names[label] = f"cf{ranks}"
    b_med = med(rows["baseline (PyTorch, 1 process)"])
    for label, rates in rows.items():
        others = []
        for k in range(1, R + 1):
            n = f"{preset}_{names[label]}_{k}"
            wall, busy = cpu(n)
            others.append(max(0.0, busy - own_cpu(n)) / wall)
        r = med(rates)
        per_core = (r / cores[names[label]]) / (b_med / TH)
        print(f"| {preset} (P={p}, global {gb}, micro {mb}, {steps - wu} timed steps) | {label} | {r:.0f} | "
              f"{'/'.join(f'{x:.0f}' for x in rates)} | {r / b_med:.2f}x | {per_core:.2f}x | {r * fpt / 1e9:.1f} | "
              f"{r * fpt / (peak['1'] * cores[names[label]]) * 100:.1f}% | {med(others):.2f} |")
    psi = base[0]["parameters"]
    for k in (1,):
        b_rss = peak_rss(f"{preset}_base_{k}")[0]
        b_steps = steps_rss(f"{preset}_base_{k}", 1e18)
        mem_rows.append(f"| {preset} | baseline (PyTorch) | {b_rss:.0f} | {b_steps:.0f} | - | "
                        f"{2 * psi / MiB:.0f} + {16 * psi / MiB:.0f} (bf16 params + fp32 grads, master, m, v) | |")
        for ranks in (1, 2):
            n = f"{preset}_cf{ranks}_{k}"
            _, end, _ = cf_rate(n, wu)
            planned, z2, dp = plan(n)
            mem_rows.append(f"| {preset} | cf-train {ranks} rank{'s' if ranks > 1 else ''} | "
                            f"{' / '.join(f'{x:.0f}' for x in peak_rss(n))} | {steps_rss(n, end):.0f} | {planned:.0f} | "
                            f"{z2:.0f} | {dp:.0f} |")
    raw.append(f"{preset}: Psi = {psi} parameters; model FLOPs per token of these batches {fpt / 1e6:.1f} M; "
               f"baseline pixels: {base[0]['pixels']}; first losses baseline {base[0]['steps'][0]['loss']:.4f}, "
               f"cf-train {cf_rate(f'{preset}_cf1_1', wu)[2][0]:.4f}")
print("\nPeak RSS per process (MiB): GNU time (whole run, incl. start-up and the final checkpoint) and "
      "the highest 0.5 s sample while the steps ran; cf-train's plan (params + grad shard + bucket + "
      "optimizer shard) and the formulas from its log.\n")
print("| preset | run | peak RSS per rank | RSS during steps (max rank) | cf-train plan | ZeRO-2 2Psi+14Psi/N | plain DP 16Psi |")
print("|---|---|---:|---:|---:|---:|---:|")
print("\n".join(mem_rows))
print()
for line in raw:
    print("- " + line)
PYEOF
