#!/usr/bin/env bash
# Training jobs under Slurm (slurm/sft.sbatch on a real local cluster, tools/local-slurm.sh):
#  1. a real time limit: a 2-rank cf-train job submitted with --time=1 (Slurm's minimum, 60 s)
#     and --signal=B:USR2@45. slurmctld sends the signal itself, at its first time-limit check
#     after the job started (it checks every 30 s, PERIODIC_TIMEOUT, which slurm.conf cannot
#     change), so the job is started 15 s before a check (from slurmctld's BOOT_TIME): the signal
#     arrives ~15 s into the run, long before the limit. The batch script passes it to the step,
#     cf-train checkpoints at its next step boundary and exits 75, the job requeues itself,
#     resumes from the checkpoint and finishes with bitwise the weights of an uninterrupted run.
#     The test sends no signal itself;
#  2. a step that keeps crashing is requeued at most --max-restarts times, then the job fails
#     and its dependent job is cancelled;
#  3. a configuration error (exit 2) is not requeued.
# Exit 77 (skipped) when no local cluster can be started (no root, Slurm or munge not installed).
source "$(dirname "$0")/common.sh"
slurm_up
state() { squeue -h -r -t all -j "$1" -o '%T' | sort -u | paste -sd, -; }
restarts() { scontrol show job -o "$1" | grep -o 'Restarts=[0-9]*' | cut -d= -f2; }
wait_done() {  # wait_done JOB SECONDS: until the job has ended
  local i
  for i in $(seq 1 "$2"); do
    case $(state "$1") in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) return 0 ;; esac
    sleep 1
  done
  echo "job $1 still $(state "$1") after $2 s"; return 1
}
submit() { sbatch --parsable --chdir="$SRC" --time=10 --cpus-per-task=1 "$@"; }
seconds() { date -d "$1" +%s; }  # a log's HH:MM:SS -> epoch seconds (today)

# 1. Time limit -> USR2 from slurmctld -> checkpoint, exit 75, requeue, resume, finish.
# 96 samples, global batch 8, 2 epochs: 24 steps of ~0.82 s (0.75 s delay), ~20 s of training.
# The signal comes ~15 s after the start, after 14-17 steps (1-3 s go to start-up). The job
# restarts ~15 s after the requeue, so ~15 s before the next check, and the restarted run
# needs 7-10 s for the other 7-10 steps: a few seconds of slack on either side.
TOK="$SCRATCH/tokens"
"$BUILD/tests/cf-test-tokens" "$TOK" 96 --image-tokens 16 --vocab 256 > /dev/null
train=(--set "io.input=$TOK" --set "model.preset=$SRC/tests/data/micro.toml" --set train.global_batch=8
       --set train.micro_batch=2 --set train.epochs=2 --set checkpoint.every_steps=0 --set run.threads=1)
# The same training without interruption (outside Slurm), for the weights.
run_np 2 cf-train "${train[@]}" --set "io.output=$SCRATCH/uninterrupted" > "$SCRATCH/uninterrupted.log" 2>&1 ||
  { cat "$SCRATCH/uninterrupted.log"; echo "the uninterrupted cf-train run failed"; exit 1; }
# slurmctld tests time limits every 30 s from its start: start the job 15 s before a test.
boot=$(seconds "$(scontrol show config | awk '$1 == "BOOT_TIME" {print $3}')")
phase=$(( ($(date +%s) - boot) % 30 ))
sleep $(( phase < 15 ? 15 - phase : 45 - phase ))
OUT="$SCRATCH/sft out"
job=$(submit --ntasks=2 --time=1 --signal=B:USR2@45 --output="$SCRATCH/sft.log" "$SRC/slurm/sft.sbatch" "$SRC/slurm" \
  --max-restarts 3 -- "$BUILD/jobs/cf-train" "${train[@]}" --set "io.output=$OUT" --set debug.step_delay_ms=750)
wait_done "$job" 170
grep -E 'cf-slurm|resumed|stop signal|"stage"' "$SCRATCH/sft.log"
[ "$(state "$job")" = COMPLETED ] || { echo "sft job: $(state "$job")"; cat "$SCRATCH/sft.log"; exit 1; }
n=$(restarts "$job")
# 1 on a quiet machine; a slow restart may be signalled once more (each run still progresses).
[ "$n" -ge 1 ] && [ "$n" -le 2 ] || { echo "restarts: $n, want 1 (or 2 under load)"; exit 1; }
t_start=$(seconds "$(grep -m1 -o '[0-9:]\{8\} job [0-9]*\] start (restart 0)' "$SCRATCH/sft.log" | cut -d' ' -f1)")
t_signal=$(seconds "$(grep -m1 -o '[0-9:]\{8\} job [0-9]*\] USR2: asking' "$SCRATCH/sft.log" | cut -d' ' -f1)")
echo "slurmctld signalled $((t_signal - t_start)) s after the start (time limit 60 s, lead 45 s)"
[ $((t_signal - t_start)) -ge 1 ] && [ $((t_signal - t_start)) -lt 45 ]
grep -q "step exited 75 after USR2" "$SCRATCH/sft.log"
! grep -q "TIME LIMIT" "$SCRATCH/sft.log" || { echo "the job reached its time limit"; exit 1; }
grep -q "resumed from .*step-0*[1-9][0-9]* at step [1-9]" "$SCRATCH/sft.log"
grep -q '"final_step":24' "$SCRATCH/sft.log"
cmp "$OUT/model.safetensors" "$SCRATCH/uninterrupted/model.safetensors"
echo "time limit: signalled by Slurm, checkpointed, requeued $n time(s), finished with the uninterrupted run's weights"

# 2. A crashing step: requeued once (--max-restarts 1), then the job fails; its dependent is cancelled.
crash=$(submit --ntasks=1 --output="$SCRATCH/crash.log" "$SRC/slurm/sft.sbatch" "$SRC/slurm" --max-restarts 1 -- \
  bash -c 'echo crashing; exit 1')
after=$(submit --ntasks=1 --output=/dev/null --dependency="afterok:$crash" --kill-on-invalid-dep=yes --wrap=true)
wait_done "$crash" 60
wait_done "$after" 20
grep cf-slurm "$SCRATCH/crash.log"
[ "$(state "$crash")" = FAILED ] && [ "$(restarts "$crash")" = 1 ] || { echo "crash: $(state "$crash") restarts $(restarts "$crash")"; exit 1; }
[ "$(grep -c '^crashing' "$SCRATCH/crash.log")" = 2 ]
[ "$(state "$after")" = CANCELLED ] || { echo "dependent: $(state "$after")"; exit 1; }
echo "crash loop stopped after 1 restart; dependent cancelled"

# 3. Exit 2 (configuration error): failed at once, no requeue.
bad=$(submit --ntasks=1 --output="$SCRATCH/bad.log" "$SRC/slurm/sft.sbatch" "$SRC/slurm" -- \
  "$BUILD/jobs/cf-train" --set train.no_such_key=1)
wait_done "$bad" 30
[ "$(state "$bad")" = FAILED ] && [ "$(restarts "$bad")" = 0 ] || { echo "bad: $(state "$bad") restarts $(restarts "$bad")"; exit 1; }
grep -q "configuration error: not requeued" "$SCRATCH/bad.log"
echo "slurm_requeue: OK"
