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
# kill_midway EXE OUT ARGS...: runs `run_np 2 EXE ARGS... --set io.output=OUT` in the background,
# kills one rank process with kill -9 once OUT/$KILL_WATCH (default OUT) holds $KILL_AFTER
# (default 1) finished shards, and checks that the run fails. The caller then re-runs it to resume.
kill_midway() {
  local exe=$1 out=$2 n=0 victim mpirun
  shift 2
  run_np 2 "$exe" "$@" --set "io.output=$out" > /dev/null 2>&1 &
  mpirun=$!
  for _ in $(seq 1 400); do
    n=$(ls "$out/${KILL_WATCH:-}" 2>/dev/null | grep -c '^shard-.*\.h5$' || true)
    [ "$n" -ge "${KILL_AFTER:-1}" ] && break
    sleep 0.05
  done
  victim=$(pgrep -f "$exe.*io.output=$out" | grep -v "^$mpirun$" | tail -1)
  [ -n "$victim" ] || { echo "kill_midway: no rank of $exe to kill"; exit 1; }
  echo "$n shard(s) done; kill -9 rank process $victim of $exe"
  kill -9 "$victim"
  if wait "$mpirun"; then echo "kill_midway: the killed $exe run should not succeed"; exit 1; fi
}
# slurm_up: a local one-node Slurm cluster in $SCRATCH/cluster for this test (tools/local-slurm.sh),
# taken down with SCRATCH at exit; exits 77 (skipped) where none can be started.
slurm_up() {
  chmod 755 "$SCRATCH"
  CLUSTER="$SCRATCH/cluster"
  trap '"$SRC/tools/local-slurm.sh" down "$CLUSTER"; rm -rf "$SCRATCH"' EXIT
  local up rc
  up=$("$SRC/tools/local-slurm.sh" up "$CLUSTER") || { rc=$?; [ "$rc" != 77 ] || echo "SKIP: no local Slurm cluster"; exit "$rc"; }
  eval "$up"
}
