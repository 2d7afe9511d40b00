#!/usr/bin/env bash
# An `sbatch` stand-in for machines without Slurm (slurm/demo_chain.sh puts it on PATH as
# sbatch): runs the batch script at once, in the foreground, job-array tasks one after another
# with the SLURM_ARRAY_* variables slurm/lib/stage.sh reads; appends its output to --output
# (%j %A %a %% expanded), prints a job id like `sbatch --parsable` and exits with the job's
# status. Dependencies hold by construction: slurm/submit.sh submits in dependency order and
# stops at the first sbatch that fails. --ntasks becomes mpirun -np (CF_MPIRUN_NP); the other
# options (resources, time, signals, requeue) have no meaning here and are ignored.
# CF_INLINE_DIR (required) keeps the job counter.
set -uo pipefail
dir=${CF_INLINE_DIR:?CF_INLINE_DIR is not set}
id=$(( $(cat "$dir/last_job_id" 2>/dev/null || echo 0) + 1 ))
echo "$id" > "$dir/last_job_id"
output="slurm-%j.out" array="" chdir=$PWD ntasks="" name=job
while [ $# -gt 0 ]; do
  case $1 in
    --output=*) output=${1#*=} ;;
    --array=*) array=${1#*=} ;;
    --chdir=*) chdir=${1#*=} ;;
    --ntasks=*) ntasks=${1#*=} ;;
    --job-name=*) name=${1#*=} ;;
    --*) ;;
    *) break ;;
  esac
  shift
done
[ $# -ge 1 ] || { echo "sbatch_inline: no batch script" >&2; exit 2; }
script=$1
shift
lo=0 hi=0
if [ -n "$array" ]; then
  [[ $array =~ ^([0-9]+)-([0-9]+)$ ]] || { echo "sbatch_inline: --array=$array: only LO-HI" >&2; exit 2; }
  lo=${BASH_REMATCH[1]} hi=${BASH_REMATCH[2]}
fi

log_path() {  # log_path TASK: --output with Slurm's patterns filled in
  local p=${output//%%/$'\x01'}
  p=${p//%j/$id}; p=${p//%A/$id}; p=${p//%a/$1}
  printf '%s' "${p//$'\x01'/%}"
}

rc=0
for ((task = lo; task <= hi; task++)); do
  vars=(CF_MPIRUN_NP="$ntasks")
  [ -z "$array" ] || vars+=(SLURM_ARRAY_TASK_ID="$task" SLURM_ARRAY_TASK_MIN="$lo" SLURM_ARRAY_TASK_MAX="$hi")
  log=$(log_path "$task")
  mkdir -p -- "$(dirname -- "$log")"
  echo "[sbatch_inline $(date +%H:%M:%S)] job $id $name${array:+ task $task}" >&2
  if ! (cd -- "$chdir" && env "${vars[@]}" bash "$script" "$@") >> "$log" 2>&1; then
    echo "[sbatch_inline] job $id $name failed; log: $log" >&2
    rc=1
  fi
done
echo "$id"
exit "$rc"
