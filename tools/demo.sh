#!/usr/bin/env bash
# The main job on built-in defaults, on one machine: generate a procedural dashcam corpus and
# ingest it with 2 MPI ranks. Re-running resumes (finished work is skipped).
#   tools/demo.sh [WORKDIR]      (default: work/demo)
# Later stages (segment, retrieve, caption, QA, merge, training, evaluation) join this chain as
# they land; see docs/architecture.md.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-work/demo}
BUILD=${BUILD:-build}
RANKS=${RANKS:-2}
tools/bootstrap.sh
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$BUILD" -j "$(nproc)" --target cf-scenegen cf-ingest
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi() { mpirun -np "$RANKS" --oversubscribe --bind-to none "$@"; }

echo "== cf-scenegen: procedural corpus -> $WORK/corpus"
mpi "$BUILD/jobs/cf-scenegen" --config configs/scenegen.toml --set "io.output=$WORK/corpus"
echo "== cf-ingest: corpus -> $WORK/ingest"
mpi "$BUILD/jobs/cf-ingest" --config configs/ingest.toml \
  --set "io.input=$WORK/corpus" --set "io.output=$WORK/ingest"
echo "== done: shards in $WORK/ingest (h5dump -H $WORK/ingest/shard-000000.h5 shows one)"
