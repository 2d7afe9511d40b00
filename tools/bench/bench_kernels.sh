#!/usr/bin/env bash
# Benchmarks of the fused kernels (issue 5): each op against its naive LibTorch composition in
# the same process (time, peak LibTorch CPU allocation), then cf-selftest (errors vs. float64).
# Usage: tools/bench/bench_kernels.sh [BUILD_DIR]   (default: build). Prints markdown tables for
# docs/benchmarks.md. Run on a quiet machine: timings are best-of-N wall times.
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
echo "## Kernels benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, LibTorch threads: default"
echo
for op in token_logprobs linear_logprobs preference_loss adamw grad_buckets; do
  exe="$BUILD/kernels/$op/cf-bench-$op"
  if [[ ! -x "$exe" ]]; then
    echo "missing $exe (build it: ninja -C $BUILD cf-bench-$op)" >&2
    exit 1
  fi
  echo "### $op"
  echo
  "$exe"
  echo
done
echo "### cf-selftest (CPU)"
echo
echo '```'
"$BUILD/jobs/cf-selftest" --seed 1
echo '```'
