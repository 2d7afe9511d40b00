#!/usr/bin/env bash
# The main job on built-in defaults, on one machine: starts a real one-node Slurm cluster
# (tools/local-slurm.sh), generates a procedural dashcam corpus and runs the whole chain as
# Slurm jobs with dependencies and job arrays: ingest -> segment -> build-db -> retrieve ->
# caption -> qa -> merge -> tokenizer -> SFT -> [generate -> SPIN] x 2 -> eval. It ends with the
# evaluation table. Re-running resumes from what is complete.
#   tools/demo.sh [--small] [WORKDIR]      (default: work/demo)
# --small: the CI size (8 images + 1 clip, 1 SPIN round, 4 training steps; ~2-3 minutes).
# Scale: IMAGES=24 CLIPS=2 ROUNDS=2 RANKS=2 ARRAY_TASKS=2 (see slurm/demo_chain.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=()
[ "${1:-}" != --small ] || { SIZE=(--small); shift; }
WORK=${1:-work/demo}
BUILD=${BUILD:-build}
tools/bootstrap.sh
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$BUILD" -j "$(nproc)"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
BIN="$PWD/$BUILD/jobs" slurm/demo_chain.sh "${SIZE[@]}" "$WORK"
if [ -f "$WORK/eval/report.md" ]; then
  echo "== evaluation ($WORK/eval/report.md)"
  cat "$WORK/eval/report.md"
fi
