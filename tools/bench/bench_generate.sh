#!/usr/bin/env bash
# Self-play benchmark (docs/benchmarks.md, section "Self-play (issue 6)").
#
#   tools/bench/bench_generate.sh [PRESETS="tiny small"]
#
# Builds nothing. Uses $BUILD/tools/bench/cf-bench-generate, $BUILD/tools/bench/cf-bench-dpo and
# $BUILD/tests/cf-test-tokens. For each preset (configs/model/<preset>.toml, random weights, bf16):
# 1. generation: cf::generate (batched, KV cache) vs a no-cache greedy loop that re-runs the
#    full forward (vision tower included) over the whole prefix for every new token, for each
#    batch size in BATCHES, MAX_NEW new tokens per sequence, REPEAT interleaved rounds in one
#    process. The two must produce identical tokens (the executable fails otherwise).
# 2. DPO vs SFT: the trainer's preference_step over PAIRS pairs (micro-batches of MICRO pairs,
#    chosen + rejected in one forward) against sft_step over the same 2 x PAIRS sequences
#    (micro-batches of 2 x MICRO), same tokens per step (checked), ANSWER_LEN answer tokens per
#    sequence; REPEAT rounds of WARMUP untimed + STEPS timed steps, SFT and DPO steps alternating.
# LibTorch threads: THREADS (default 1) in one process for every comparison. Ratios are medians
# of the per-round ratios; "by own CPU time" uses the process's user+sys instead of wall time
# (less sensitive to other processes on a shared machine). "other load" = CPU time of other processes (busy jiffies of
# /proc/stat minus the benchmark's own user+sys) / wall time, measured around each timed call.
# Environment: BUILD (default build), PART (gen, dpo or both: default both), REPEAT (3),
# THREADS (1), BATCHES ("1 8"), MAX_NEW (64; MAX_NEW_small default 32), PAIRS/MICRO/STEPS/WARMUP
# (tiny 8/4/4/1, small 2/1/1/1; override per preset as PAIRS_small etc.), ANSWER_LEN (16),
# BENCH_TMP, KEEP=1 keeps the temp dir.
set -euo pipefail

PRESETS=${1:-"tiny small"}
PART=${PART:-both}
REPEAT=${REPEAT:-3}
THREADS=${THREADS:-1}
BATCHES=${BATCHES:-"1 8"}
ANSWER_LEN=${ANSWER_LEN:-16}
BUILD=${BUILD:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
GEN=$BUILD/tools/bench/cf-bench-generate
DPO=$BUILD/tools/bench/cf-bench-dpo
TOKENS=$BUILD/tests/cf-test-tokens
PY=/usr/bin/python3
for b in "$GEN" "$DPO" "$TOKENS" "$PY"; do
  [[ -x $b ]] || { echo "bench_generate: missing executable '$b' (build first; BUILD=$BUILD)" >&2; exit 2; }
done
T=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/cf-bench-selfplay.XXXXXX")
cleanup() { if [[ ${KEEP:-0} == 1 ]]; then echo "kept $T" >&2; else rm -rf "$T"; fi; }
trap cleanup EXIT
log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
setting() {  # setting NAME PRESET DEFAULT_TINY DEFAULT_SMALL: $NAME_<preset>, else $NAME, else the default
  local v="${1}_$2" d=$3
  [[ $2 == small ]] && d=$4
  local g=${!1:-$d}
  echo "${!v:-$g}"
}

log "temp dir $T; $(nproc) cores, THREADS=$THREADS; load average $(cut -d' ' -f1-3 /proc/loadavg)"
cut -d' ' -f1-3 /proc/loadavg >"$T/load_start"
for preset in $PRESETS; do
  cfg=$SRC/configs/model/$preset.toml
  [[ -f $cfg ]] || { echo "bench_generate: no preset '$cfg'" >&2; exit 2; }
  if [[ $PART != dpo ]]; then
    max_new=$(setting MAX_NEW "$preset" 64 32)
    log "$preset: generation, batches $BATCHES, $max_new new tokens, $REPEAT rounds"
    "$GEN" "$cfg" --batches "${BATCHES// /,}" --max-new "$max_new" --repeat "$REPEAT" --threads "$THREADS" \
      >"$T/gen_$preset.jsonl" 2>"$T/gen_$preset.err" || { cat "$T/gen_$preset.err" >&2; exit 1; }
  fi
  if [[ $PART != gen ]]; then
    read -r image patch vocab < <("$PY" -c "import tomllib,sys; c=tomllib.load(open(sys.argv[1],'rb'));
print(c['vision']['image_size'], c['vision']['patch_size'], c['text']['vocab'])" "$cfg")
    pairs=$(setting PAIRS "$preset" 8 2); micro=$(setting MICRO "$preset" 4 1)
    steps=$(setting STEPS "$preset" 4 1); warmup=$(setting WARMUP "$preset" 1 1)
    "$TOKENS" "$T/tokens_$preset" 64 --image-tokens $(( (image / patch) * (image / patch) )) --vocab "$vocab" --seed 1
    log "$preset: DPO vs SFT, $pairs pairs (micro $micro) vs $(( 2 * pairs )) sequences, $steps timed steps, $REPEAT rounds"
    "$DPO" "$T/tokens_$preset" "$cfg" "$T/work_$preset" --pairs "$pairs" --micro "$micro" --steps "$steps" \
      --warmup "$warmup" --repeat "$REPEAT" --answer-len "$ANSWER_LEN" --threads "$THREADS" \
      >"$T/dpo_$preset.jsonl" 2>"$T/dpo_$preset.err" || { cat "$T/dpo_$preset.err" >&2; exit 1; }
  fi
done
cut -d' ' -f1-3 /proc/loadavg >"$T/load_end"

"$PY" - "$T" "$PRESETS" "$THREADS" <<'PYEOF'
import json, os, statistics, sys
T, presets, threads = sys.argv[1], sys.argv[2].split(), sys.argv[3]
med = statistics.median
def rate(x):
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}"
def cell(xs):  # median of per-round ratios, then every round
    return f"{med(xs):.2f}x ({'/'.join(f'{x:.2f}' for x in xs)})"
def lines(name):
    p = os.path.join(T, name)
    return [json.loads(l) for l in open(p)] if os.path.exists(p) else []
print(f"\nLibTorch threads: {threads} (one process per comparison); bf16; random weights. Load average at start "
      f"{open(os.path.join(T, 'load_start')).read().strip()}, at end {open(os.path.join(T, 'load_end')).read().strip()}.")
def table(title, header, rows):
    if rows:
        print(f"\n### {title}\n\n| " + " | ".join(header) + " |\n|" + "---|" * len(header))
        print("\n".join(rows))
def split(recs, field, a, b, **where):  # the a and b records of matching rounds
    sel = [r for r in recs if all(r[k] == v for k, v in where.items())]
    return [r for r in sel if r[field] == a], [r for r in sel if r[field] == b]
rows = []
for p in presets:
    recs = lines(f"gen_{p}.jsonl")
    for b in sorted({r["batch"] for r in recs}):
        kv, nc = split(recs, "impl", "kv_cache", "no_cache", batch=b)
        ratios = [a["tokens_per_s"] / c["tokens_per_s"] for a, c in zip(kv, nc)]
        cpu = [c["own_cpu"] / a["own_cpu"] for a, c in zip(kv, nc)]
        rows.append(f"| {p} | {b} | {kv[0]['prompt_tokens']} | {kv[0]['max_new']} | {rate(med(r['tokens_per_s'] for r in kv))} | "
                    f"{rate(med(r['tokens_per_s'] for r in nc))} | {cell(ratios)} | {med(cpu):.2f}x | "
                    f"{min(r['distinct_tokens'] for r in kv)} | {med(r['other_load'] for r in kv + nc):.2f} |")
table("Generation: batched KV cache vs no-cache loop (greedy, identical tokens asserted)",
      ["preset", "batch", "prompt tokens", "new tokens", "KV cache tokens/s", "no cache tokens/s", "speed-up (all rounds)",
       "speed-up by own CPU time", "distinct tokens", "other load (cores)"], rows)
rows = []
for p in presets:
    recs = lines(f"dpo_{p}.jsonl")
    if recs:
        sft, dp = split(recs, "mode", "sft", "dpo")
        ratios = [d["seconds_per_step"] / s["seconds_per_step"] for s, d in zip(sft, dp)]
        cpu = [d["cpu_seconds_per_step"] / s["cpu_seconds_per_step"] for s, d in zip(sft, dp)]
        rows.append(f"| {p} | {sft[0]['sequences_per_step']} ({sft[0]['micro_sequences']}) = {sft[0]['sequences_per_step'] // 2} pairs, "
                    f"{sft[0]['steps']} timed steps | {med(r['tokens_per_step'] for r in sft):.0f} | "
                    f"{med(r['seconds_per_step'] for r in sft):.3f} | {med(r['seconds_per_step'] for r in dp):.3f} | "
                    f"{cell(ratios)} | {med(cpu):.2f}x | {med(r['other_load'] for r in recs):.2f} |")
table("DPO step vs SFT step, same sequences and tokens per step (trainer's step functions, 1 rank, ZeRO-2, bf16)",
      ["preset", "sequences/step (micro)", "tokens/step", "SFT s/step", "DPO s/step", "DPO/SFT (all rounds)",
       "DPO/SFT by own CPU time", "other load (cores)"], rows)
PYEOF
