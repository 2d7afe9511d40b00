#!/usr/bin/env bash
# Benchmarks of the fused kernels (issue 5): each op against its naive LibTorch composition in
# the same process (time, peak LibTorch CPU allocation), then cf-selftest (errors vs. float64).
# Usage: [OPS="token_logprobs adamw"] tools/bench/bench_kernels.sh [BUILD_DIR]   (default: build, all
# ops). Prints markdown tables, each followed by the other load while it ran, for
# docs/benchmarks.md. Run on a quiet machine: timings are best-of-N wall times.
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
echo "## Kernels benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, LibTorch threads: default"
echo
# "Other load": CPU (in cores) that other processes used while a benchmark ran: busy jiffies of
# the whole machine (/proc/stat) minus the benchmark's own user+sys (GNU time), over its wall time.
HZ=$(getconf CLK_TCK)
cpustat() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
run_measured() {  # run_measured CMD...: runs it, then prints the other load
  local b0 b1 t0 t1 own
  b0=$(cpustat); t0=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$TMP_TIME" "$@"
  b1=$(cpustat); t1=$(date +%s.%N)
  own=$(awk '{ print $1 + $2 }' "$TMP_TIME")
  awk -v b0="$b0" -v b1="$b1" -v t0="$t0" -v t1="$t1" -v own="$own" -v hz="$HZ" \
    'BEGIN { w = t1 - t0; o = ((b1 - b0) / hz - own) / w; if (o < 0) o = 0;
             printf "\nwall %.1f s, own CPU %.1f s, other load %.2f cores (of %d)\n", w, own, o, '"$(nproc)"' }'
}
TMP_TIME=$(mktemp)
trap 'rm -f "$TMP_TIME"' EXIT
ops=${OPS:-token_logprobs linear_logprobs preference_loss adamw grad_buckets rms_norm rope swiglu}
for op in $ops; do
  exe="$BUILD/kernels/$op/cf-bench-$op"
  if [[ ! -x "$exe" ]]; then
    echo "missing $exe (build it: ninja -C $BUILD cf-bench-$op)" >&2
    exit 1
  fi
  echo "### $op"
  echo
  run_measured "$exe"
  echo
done
echo "### cf-selftest (CPU)"
echo
echo '```'
"$BUILD/jobs/cf-selftest" --seed 1
echo '```'
