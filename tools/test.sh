#!/usr/bin/env bash
# The test command: install dependencies, configure, build, run every test.
#   tools/test.sh            # everything
#   BUILD=dir tools/test.sh  # another build directory (default: build)
#   CTEST_ARGS="-L unit" tools/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
tools/bootstrap.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD" -j "$(nproc)"
ctest --test-dir "$BUILD" --output-on-failure -j "$(nproc)" ${CTEST_ARGS:-}
