#!/usr/bin/env bash
# Training jobs under Slurm (slurm/sft.sbatch on a real local cluster, tools/local-slurm.sh):
#  1. USR2 to the batch script (what --signal=B:USR2@lead sends before the time limit, here via
#     scancel --signal=USR2 --batch) is passed to the 2-rank cf-train step, which checkpoints
#     and exits 75; the job requeues itself, resumes from the checkpoint and finishes with the
#     same weights as an uninterrupted run;
#  2. a step that keeps crashing is requeued at most --max-restarts times, then the job fails
#     and its dependent job is cancelled;
#  3. a configuration error (exit 2) is not requeued.
source "$(dirname "$0")/common.sh"
chmod 755 "$SCRATCH"
CLUSTER="$SCRATCH/cluster"
trap '"$SRC/tools/local-slurm.sh" down "$CLUSTER"; rm -rf "$SCRATCH"' EXIT
eval "$("$SRC/tools/local-slurm.sh" up "$CLUSTER")"
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

# 1. USR2 -> checkpoint, exit 75, requeue, resume, finish.
TOK="$SCRATCH/tokens"
"$BUILD/tests/cf-test-tokens" "$TOK" 64 --image-tokens 16 --vocab 256 > /dev/null
OUT="$SCRATCH/sft out"
job=$(submit --ntasks=2 --output="$SCRATCH/sft.log" "$SRC/slurm/sft.sbatch" "$SRC/slurm" --max-restarts 2 -- \
  "$BUILD/jobs/cf-train" --set "io.input=$TOK" --set "io.output=$OUT" --set "model.preset=$SRC/tests/data/micro.toml" \
  --set train.global_batch=8 --set train.micro_batch=2 --set train.epochs=2 --set checkpoint.every_steps=0 \
  --set run.threads=1 --set debug.step_delay_ms=300)
for _ in $(seq 1 120); do grep -q "step 3/16" "$SCRATCH/sft.log" 2>/dev/null && break; sleep 0.5; done
grep -q "step 3/16" "$SCRATCH/sft.log" || { cat "$SCRATCH/sft.log"; exit 1; }
scancel --signal=USR2 --batch "$job"
wait_done "$job" 90
cat "$SCRATCH/sft.log" | grep -E 'cf-slurm|resumed|"stage"'
[ "$(state "$job")" = COMPLETED ] || { echo "sft job: $(state "$job")"; cat "$SCRATCH/sft.log"; exit 1; }
[ "$(restarts "$job")" = 1 ] || { echo "restarts: $(restarts "$job"), want 1"; exit 1; }
grep -q "step exited 75 after USR2" "$SCRATCH/sft.log"
grep -q "resumed from .*step-0000000[3-9] at step [3-9]" "$SCRATCH/sft.log"
grep -q '"final_step":16' "$SCRATCH/sft.log"
[ -s "$OUT/model.safetensors" ]
# The same training without interruption (outside Slurm) ends with bitwise the same weights.
run_np 2 cf-train --set "io.input=$TOK" --set "io.output=$SCRATCH/uninterrupted" \
  --set "model.preset=$SRC/tests/data/micro.toml" --set train.global_batch=8 --set train.micro_batch=2 \
  --set train.epochs=2 --set checkpoint.every_steps=0 --set run.threads=1 > /dev/null 2>&1
cmp "$OUT/model.safetensors" "$SCRATCH/uninterrupted/model.safetensors"
echo "USR2: checkpointed, requeued, resumed and finished with the uninterrupted run's weights"

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
