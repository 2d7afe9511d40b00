# The body of every slurm/<stage>.sbatch script: runs one cornerforge executable as the job's
# step, and for resumable (training) jobs turns signals and exits into checkpoint + requeue.
#   cf_stage [--launcher srun|mpirun|none] [--mpi TYPE] [--array] [--claim STAGE DIR]
#            [--resumable] [--max-restarts N] -- EXECUTABLE ARGS...
# --array        a job-array task: adds --set run.array_index/run.array_count from SLURM_ARRAY_*
# --claim        marks DIR as STAGE's output before the step starts, so array tasks starting
#                together do not find each other's half-made directory
# --resumable    USR2 or TERM (time limit, preemption) is forwarded to the step; the trainer
#                checkpoints at its next step boundary and exits 75; then, and after a crash,
#                the job requeues itself (scontrol requeue) until it was restarted N times.
#                Exit 2 (configuration error) never requeues.
# CF_MPIRUN_NP, when set, is mpirun's -np (slurm/lib/sbatch_inline.sh sets it from --ntasks;
# inside a Slurm allocation mpirun takes the task count from Slurm).

cf_log() { echo "[cf-slurm $(date +%H:%M:%S) job ${SLURM_JOB_ID:-?}${SLURM_ARRAY_TASK_ID:+_$SLURM_ARRAY_TASK_ID}] $*" >&2; }

cf_claim() {  # cf_claim STAGE DIR: writes DIR/.cornerforge.json like the job harness does
  local stage=$1 dir=$2 tmp
  mkdir -p -- "$dir"
  [ -e "$dir/.cornerforge.json" ] && return 0
  tmp="$dir/.cornerforge.json.tmp.${SLURM_JOB_ID:-$$}.${SLURM_ARRAY_TASK_ID:-0}"
  printf '{"format":"cornerforge-1","stage":"%s"}\n' "$stage" > "$tmp"
  mv -f -- "$tmp" "$dir/.cornerforge.json"
}

cf_stage() {
  local launcher=srun mpi=pmix array=0 resumable=0 max_restarts=3
  while [ $# -gt 0 ]; do
    case $1 in
      --launcher) launcher=$2; shift 2 ;;
      --mpi) mpi=$2; shift 2 ;;
      --array) array=1; shift ;;
      --claim) cf_claim "$2" "$3"; shift 3 ;;
      --resumable) resumable=1; shift ;;
      --max-restarts) max_restarts=$2; shift 2 ;;
      --) shift; break ;;
      *) cf_log "unknown option '$1'"; return 2 ;;
    esac
  done
  [ $# -ge 1 ] || { cf_log "no executable given"; return 2; }
  local cmd=("$@")
  if [ "$array" = 1 ]; then
    [ -n "${SLURM_ARRAY_TASK_ID:-}" ] || { cf_log "--array outside a job array"; return 2; }
    local lo=${SLURM_ARRAY_TASK_MIN:-0} hi=${SLURM_ARRAY_TASK_MAX:-$SLURM_ARRAY_TASK_ID}
    cmd+=(--set "run.array_index=$((SLURM_ARRAY_TASK_ID - lo))" --set "run.array_count=$((hi - lo + 1))")
  fi
  case $launcher in
    srun) cmd=(srun --mpi="$mpi" --kill-on-bad-exit=1 "${cmd[@]}") ;;
    mpirun) cmd=(mpirun --bind-to none ${CF_MPIRUN_NP:+-np "$CF_MPIRUN_NP"} "${cmd[@]}") ;;
    none) ;;
    *) cf_log "launcher must be srun, mpirun or none, not '$launcher'"; return 2 ;;
  esac
  local restarts=${SLURM_RESTART_COUNT:-0}
  if [ "$resumable" = 1 ] && [ "$restarts" -gt "$max_restarts" ]; then
    cf_log "restarted $restarts times, more than --max-restarts $max_restarts: giving up"
    return 1
  fi
  cf_log "start (restart $restarts): $(printf '%q ' "${cmd[@]}")"

  # The step runs in the background so that bash runs the traps at once, not after the step.
  local pid signalled=""
  "${cmd[@]}" &
  pid=$!
  # srun does not pass USR2 on (it dies of it): signal the job's steps through Slurm instead.
  forward() {
    signalled=$1
    cf_log "$1: asking the step to checkpoint and stop"
    if [ "$launcher" = srun ] && scancel --signal="$1" "$SLURM_JOB_ID" 2>/dev/null; then return; fi
    kill -"$1" "$pid" 2>/dev/null
  }
  trap 'forward USR2' USR2
  trap 'forward TERM' TERM
  local rc
  while :; do
    wait "$pid"
    rc=$?
    kill -0 "$pid" 2>/dev/null || break  # wait also returns when a trap ran; the step may still run
  done
  trap - USR2 TERM
  cf_log "step exited $rc${signalled:+ after $signalled}"

  [ "$resumable" = 1 ] || return "$rc"
  case $rc in
    0) return 0 ;;
    2) cf_log "configuration error: not requeued"; return 2 ;;
  esac
  if [ "$restarts" -ge "$max_restarts" ]; then
    cf_log "exit $rc after $restarts restarts (--max-restarts $max_restarts): giving up"
    return 1
  fi
  cf_log "requeueing (restart $((restarts + 1)) of at most $max_restarts); it resumes from the latest checkpoint"
  if scontrol requeue "$SLURM_JOB_ID"; then
    sleep 60 &  # Slurm ends this run now; do not report an exit code before it does
    wait $!
    return 0
  fi
  cf_log "scontrol requeue failed"
  return 1
}
