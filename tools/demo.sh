#!/usr/bin/env bash
# The main job on built-in defaults, on one machine: starts a real one-node Slurm cluster
# (tools/local-slurm.sh), generates a procedural dashcam corpus and runs the whole chain as
# Slurm jobs with dependencies and job arrays (or directly with mpirun where no cluster can be
# started): three corpora of different scenes (unlabeled, labeled, held-out eval); the labeled
# one -> build-db and ground-truth QA; the unlabeled one -> ingest -> segment -> retrieve ->
# caption -> qa -> merge; tokenizer -> Direct (untrained), SFT (labeled only), SFT (labeled +
# synthetic) -> [generate -> SPIN] x 2 -> answers -> eval. It ends with the results table (the
# OpenDriver report's Table 1 in miniature: one row per model, CODA task scores and the
# annotation score on the held-out questions; Elo, win rates) and the paths of the plots.
# Re-running resumes from what is complete.
#   tools/demo.sh [--small] [WORKDIR]      (default: work/demo)
# --small: the CI size (8 images + 1 clip, 4 labeled + 4 eval scenes, 1 SPIN round, 4 training
# steps; ~1.5-2 minutes). Scale: IMAGES=24 LABELED=8 EVAL_SCENES=8 ROUNDS=2 RANKS=2
# ARRAY_TASKS=2 (see slurm/demo_chain.sh).
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
BIN="$PWD/$BUILD/jobs" slurm/demo_chain.sh "${SIZE[@]}" "$WORK"  # ends with the results table
