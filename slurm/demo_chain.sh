#!/usr/bin/env bash
# Runs the whole chain through Slurm on this machine: starts a local one-node cluster
# (tools/local-slurm.sh; or uses the one SLURM_CONF points at when CF_SLURM_EXISTING=1), writes a
# chain config for WORKDIR, submits it with slurm/submit.sh, waits for every job, prints each
# job's state and each stage's JSON summary, and stops the cluster it started.
#   slurm/demo_chain.sh [WORKDIR]                 (default work/demo-slurm; re-running resumes)
# Scale (environment): IMAGES=24 CLIPS=2 WIDTH=640 HEIGHT=360 ROUNDS=2 ARRAY_TASKS=2 RANKS=2
# SHARD_COST=8 TRAIN_STEPS=0 (0 = the trainer's epochs) TIMEOUT=3600 s, UNTIL=<last stage>
# (default: the last stage whose executable is built: qa, merge, tokenizer, sft, spin or eval).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(realpath -m -- "${1:-work/demo-slurm}")
BIN=${BIN:-$ROOT/build/jobs}
IMAGES=${IMAGES:-24} CLIPS=${CLIPS:-2} WIDTH=${WIDTH:-640} HEIGHT=${HEIGHT:-360}
ROUNDS=${ROUNDS:-2} ARRAY_TASKS=${ARRAY_TASKS:-2} RANKS=${RANKS:-2} SHARD_COST=${SHARD_COST:-8}
TRAIN_STEPS=${TRAIN_STEPS:-0} TIMEOUT=${TIMEOUT:-3600}

if [ -z "${UNTIL:-}" ]; then
  UNTIL=qa
  for pair in merge:cf-merge tokenizer:cf-tokenizer sft:cf-train spin:cf-generate eval:cf-eval; do
    [ -x "$BIN/${pair#*:}" ] || break
    UNTIL=${pair%%:*}
  done
fi
echo "== chain until '$UNTIL' in $WORK"

mkdir -p "$WORK"
if [ "${CF_SLURM_EXISTING:-0}" != 1 ]; then
  CLUSTER="$WORK/.local-slurm"
  trap '"$ROOT/tools/local-slurm.sh" down "$CLUSTER"' EXIT
  eval "$("$ROOT/tools/local-slurm.sh" up "$CLUSTER")"
fi

toml() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }
CONFIG="$WORK/chain.toml"
{
  echo "# Written by slurm/demo_chain.sh"
  echo "[chain]"
  echo "work = $(toml "$WORK")"
  echo "bin = $(toml "$BIN")"
  echo "scenegen = true"
  echo "rounds = $ROUNDS"
  echo "array_tasks = $ARRAY_TASKS"
  echo "until = \"$UNTIL\""
  echo "max_restarts = 3"
  echo
  echo "[slurm]"
  echo "ntasks = $RANKS"
  echo "cpus_per_task = 1"
  echo "time = \"01:00:00\""
  echo "[slurm.build_db]"
  echo "ntasks = 1"
  echo "[slurm.eval]"
  echo "ntasks = 1"
  echo
  echo "[set.scenegen]"
  echo "scenegen.images = $IMAGES"
  echo "scenegen.clips = $CLIPS"
  echo "scenegen.width = $WIDTH"
  echo "scenegen.height = $HEIGHT"
  echo "[set.ingest]"
  echo "ingest.shard_cost = $SHARD_COST"
  # The tiny model starts from random weights, so the demo trains faster than the paper's
  # fine-tuning recipe (lr 1e-6 on a pretrained model).
  echo "[set.sft]"
  echo "optim.lr = ${SFT_LR:-1e-3}"
  echo "train.epochs = ${SFT_EPOCHS:-3}"
  echo "train.global_batch = 8"
  echo "train.micro_batch = 4"
  [ "$TRAIN_STEPS" != 0 ] && echo "train.max_steps = $TRAIN_STEPS"
  echo "[set.spin]"
  echo "train.global_batch = 8"
  echo "train.micro_batch = 4"
  [ "$TRAIN_STEPS" != 0 ] && echo "train.max_steps = $TRAIN_STEPS"
  true
} > "$CONFIG"

"$ROOT/slurm/submit.sh" "$CONFIG"
start=$SECONDS
while [ -n "$(squeue -h -t PD,R,CG,CF,S 2>/dev/null)" ]; do
  [ $((SECONDS - start)) -lt "$TIMEOUT" ] || { echo "jobs still queued after $TIMEOUT s" >&2; squeue -r; exit 1; }
  sleep 2
done
"$ROOT/slurm/status.sh" "$WORK"
failed=0
while IFS=$'\t' read -r name id; do
  states=$(squeue -h -r -t all -j "$id" -o '%T' | sort -u | paste -sd, -)
  [ "$states" = COMPLETED ] || failed=1
  for log in "$WORK/slurm/logs/cf-$name-$id"*.out; do
    [ -f "$log" ] && grep -h '^{"stage"' "$log" | tail -1 | sed "s/^/$name: /"
  done
done < "$WORK/slurm/jobs.tsv"
[ "$failed" = 0 ] || { echo "== some jobs did not complete; logs in $WORK/slurm/logs; re-run to resume" >&2; exit 1; }
echo "== done: outputs in $WORK (eval report: $WORK/eval/report.md when eval ran)"
