# Shared setup of the MPI test scripts: BUILD and SRC from the arguments, a scratch directory,
# and mpirun settings for root and oversubscription.
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
SCRATCH=$(mktemp -d /tmp/cf-test.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
PY=/usr/bin/python3
run_np() {  # run_np N cf-stage args...
  local n=$1; shift
  mpirun -np "$n" --oversubscribe --bind-to none "$BUILD/jobs/$@"
}
