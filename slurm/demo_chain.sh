#!/usr/bin/env bash
# Runs the whole chain through Slurm on this machine: starts a local one-node cluster
# (tools/local-slurm.sh; or uses the one SLURM_CONF points at when CF_SLURM_EXISTING=1), writes a
# chain config for WORKDIR, submits it with slurm/submit.sh, waits for every job, prints each
# job's state and each stage's JSON summary, and stops the cluster it started. Where no cluster
# can be started (local-slurm.sh exits 77) or CF_NO_SLURM=1, the same chain runs directly with
# mpirun: slurm/lib/sbatch_inline.sh stands in for sbatch and runs each job in turn.
#   slurm/demo_chain.sh [--small] [--print-config] [WORKDIR]   (default work/demo-slurm; re-running resumes)
# It ends with the results table (slurm/lib/results_table.py: Direct, SFT on the labeled part,
# SFT on labeled + synthetic, each SPIN round x CODA task scores and the annotation score) and
# the paths of the plots.
# --small         the CI size (tests/mpi/slurm_chain.sh): 8 unlabeled images + 1 clip, 4 labeled
#                 and 4 eval scenes at 320x180, 1 SPIN round, 4 optimizer steps per training
#                 job, answers of at most 8 tokens
# --print-config  print the chain config for WORKDIR and exit (no cluster, nothing submitted)
# Scale (environment, defaults for the full demo / --small): IMAGES=24/8 CLIPS=2/1 (unlabeled)
# LABELED=8/4 EVAL_SCENES=8/4 WIDTH=640/320 HEIGHT=360/180 ROUNDS=2/1 ARRAY_TASKS=2 RANKS=2
# SHARD_COST=8/2 TRAIN_STEPS=0/4 (0 = the trainer's epochs: SFT_EPOCHS=3, SPIN_EPOCHS=5)
# SFT_LR=1e-3 SPIN_LR=1e-6
# GEN_TOKENS=0/8 (SPIN generation; 0 = cf-generate's default 64) ANSWER_TOKENS=96/8 (eval answers)
# TIMEOUT=3600 s, UNTIL=<last stage> (default: the last stage whose executable is built: qa,
# merge, tokenizer, sft, spin or eval).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SMALL=0 PRINT=0 INLINE=${CF_NO_SLURM:-0}
while [ $# -gt 0 ]; do
  case $1 in
    --small) SMALL=1 ;;
    --print-config) PRINT=1 ;;
    -*) echo "demo_chain: unknown option '$1'" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done
WORK=$(realpath -m -- "${1:-work/demo-slurm}")
BIN=${BIN:-$ROOT/build/jobs}
if [ "$SMALL" = 1 ]; then
  IMAGES=${IMAGES:-8} CLIPS=${CLIPS:-1} WIDTH=${WIDTH:-320} HEIGHT=${HEIGHT:-180} ROUNDS=${ROUNDS:-1}
  SHARD_COST=${SHARD_COST:-2} TRAIN_STEPS=${TRAIN_STEPS:-4} GEN_TOKENS=${GEN_TOKENS:-8}
  LABELED=${LABELED:-4} EVAL_SCENES=${EVAL_SCENES:-4} ANSWER_TOKENS=${ANSWER_TOKENS:-8}
fi
IMAGES=${IMAGES:-24} CLIPS=${CLIPS:-2} WIDTH=${WIDTH:-640} HEIGHT=${HEIGHT:-360}
ROUNDS=${ROUNDS:-2} ARRAY_TASKS=${ARRAY_TASKS:-2} RANKS=${RANKS:-2} SHARD_COST=${SHARD_COST:-8}
TRAIN_STEPS=${TRAIN_STEPS:-0} GEN_TOKENS=${GEN_TOKENS:-0} TIMEOUT=${TIMEOUT:-3600}
LABELED=${LABELED:-8} EVAL_SCENES=${EVAL_SCENES:-8} ANSWER_TOKENS=${ANSWER_TOKENS:-96}

if [ -z "${UNTIL:-}" ]; then
  UNTIL=qa
  for pair in merge:cf-merge tokenizer:cf-tokenizer sft:cf-train spin:cf-generate eval:cf-eval; do
    [ -x "$BIN/${pair#*:}" ] || break
    UNTIL=${pair%%:*}
  done
fi

toml() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }
chain_config() {
  echo "# Written by slurm/demo_chain.sh"
  echo "[chain]"
  echo "work = $(toml "$WORK")"
  echo "bin = $(toml "$BIN")"
  echo "scenegen = true"
  echo "rounds = $ROUNDS"
  echo "array_tasks = $ARRAY_TASKS"
  echo "until = \"$UNTIL\""
  echo "max_restarts = 3"
  [ "$INLINE" = 0 ] || echo "launcher = \"mpirun\""
  echo
  echo "[slurm]"
  echo "ntasks = $RANKS"
  echo "cpus_per_task = 1"
  echo "time = \"01:00:00\""
  echo "[slurm.build_db]"
  echo "ntasks = 1"
  echo "[slurm.eval]"
  echo "ntasks = 1"
  echo "[slurm.labeled]"
  echo "ntasks = 1"
  echo
  local table images
  for table in scenegen:$IMAGES scenegen_labeled:$LABELED scenegen_eval:$EVAL_SCENES; do
    images=${table#*:} table=${table%%:*}
    echo "[set.$table]"
    echo "scenegen.images = $images"
    [ "$table" != scenegen ] || echo "scenegen.clips = $CLIPS"
    echo "scenegen.width = $WIDTH"
    echo "scenegen.height = $HEIGHT"
  done
  echo "[set.ingest]"
  echo "ingest.shard_cost = $SHARD_COST"
  if [ "$SMALL" = 1 ]; then  # a few units only: give eval 30% of them (at most 20 samples)
    echo "[set.merge]"
    echo "merge.eval_size = 20"
    echo "merge.max_eval_fraction = 0.3"
  fi
  # The tiny model starts from random weights, so the demo trains faster than the paper's
  # fine-tuning recipe (lr 1e-6 on a pretrained model).
  echo "[set.sft]"
  echo "optim.lr = ${SFT_LR:-1e-3}"
  echo "train.epochs = ${SFT_EPOCHS:-3}"
  echo "train.global_batch = 8"
  echo "train.micro_batch = 4"
  [ "$TRAIN_STEPS" != 0 ] && echo "train.max_steps = $TRAIN_STEPS"
  echo "[set.spin]"
  echo "optim.lr = ${SPIN_LR:-1e-6}"
  echo "train.epochs = ${SPIN_EPOCHS:-5}"
  echo "train.global_batch = 8"
  echo "train.micro_batch = 4"
  [ "$TRAIN_STEPS" != 0 ] && echo "train.max_steps = $TRAIN_STEPS"
  if [ "$GEN_TOKENS" != 0 ]; then
    echo "[set.generate]"
    echo "generate.max_new_tokens = $GEN_TOKENS"
  fi
  echo "[set.answers]"  # room for the annotation JSON (about 60 tokens)
  echo "generate.max_new_tokens = $ANSWER_TOKENS"
  true
}
if [ "$PRINT" = 1 ]; then
  chain_config
  exit 0
fi
echo "== chain until '$UNTIL' in $WORK"
mkdir -p "$WORK"
if [ "$INLINE" = 0 ] && [ "${CF_SLURM_EXISTING:-0}" != 1 ]; then
  CLUSTER="$WORK/.local-slurm"
  trap '"$ROOT/tools/local-slurm.sh" down "$CLUSTER"' EXIT
  if up=$("$ROOT/tools/local-slurm.sh" up "$CLUSTER"); then
    eval "$up"
  else
    rc=$?
    [ "$rc" = 77 ] || exit "$rc"
    echo "== no local Slurm cluster here: running the chain directly with mpirun"
    INLINE=1
  fi
fi

results() {  # the results table, when eval ran
  [ -f "$WORK/eval/report.json" ] || return 0
  echo "== results (OpenDriver Table 1 in miniature; held-out eval questions from $WORK/corpus-eval)"
  /usr/bin/python3 "$ROOT/slurm/lib/results_table.py" "$WORK/eval"
}
summaries() {  # the last JSON summary line of each job's log, after the job's name
  local name id log
  while IFS=$'\t' read -r name id; do
    for log in "$WORK/slurm/logs/cf-$name-$id"*.out; do
      [ ! -f "$log" ] || { grep -h '^{"stage"' "$log" || true; } | tail -1 | sed "s/^/$name: /"
    done
  done < "$WORK/slurm/jobs.tsv"
}
CONFIG="$WORK/chain.toml"
chain_config > "$CONFIG"
if [ "$INLINE" = 1 ]; then  # sbatch_inline.sh as sbatch: each job runs at once, in order
  export CF_INLINE_DIR="$WORK/.inline"
  mkdir -p "$CF_INLINE_DIR"
  ln -sf "$ROOT/slurm/lib/sbatch_inline.sh" "$CF_INLINE_DIR/sbatch"
  export PATH="$CF_INLINE_DIR:$PATH" OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  "$ROOT/slurm/submit.sh" "$CONFIG" || { echo "== a job failed; logs in $WORK/slurm/logs; re-run to resume" >&2; exit 1; }
  summaries
  results
  echo "== done: outputs in $WORK (eval report: $WORK/eval/report.md when eval ran)"
  exit 0
fi

"$ROOT/slurm/submit.sh" "$CONFIG"
start=$SECONDS
while [ -n "$(squeue -h -t PD,R,CG,CF,S 2>/dev/null)" ]; do
  [ $((SECONDS - start)) -lt "$TIMEOUT" ] || { echo "jobs still queued after $TIMEOUT s" >&2; squeue -r; exit 1; }
  sleep 2
done
"$ROOT/slurm/status.sh" "$WORK"
failed=0
while IFS=$'\t' read -r name id; do
  [ "$(squeue -h -r -t all -j "$id" -o '%T' | sort -u | paste -sd, -)" = COMPLETED ] || failed=1
done < "$WORK/slurm/jobs.tsv"
summaries
[ "$failed" = 0 ] || { echo "== some jobs did not complete; logs in $WORK/slurm/logs; re-run to resume" >&2; exit 1; }
results
echo "== done: outputs in $WORK (eval report: $WORK/eval/report.md when eval ran)"
