#!/usr/bin/env bash
# The chain's GPU sbatch keys (slurm/submit.sh): [slurm.<stage>] gpus_per_task / ntasks_per_node /
# gpus_per_node reach that stage's sbatch line and no other (a --dry-run: no cluster needed).
source "$(dirname "$0")/common.sh"
CFG="$SCRATCH/chain.toml"
BIN="$BUILD/jobs" UNTIL=eval "$SRC/slurm/demo_chain.sh" --small --print-config "$SCRATCH/work" > "$CFG"
printf '\n[slurm.spin]\ngpus_per_task = 1\nntasks_per_node = 4\n[slurm.generate]\ngpus_per_node = 2\n' >> "$CFG"
"$SRC/slurm/submit.sh" --dry-run "$CFG" > "$SCRATCH/dry.sh"
line() { grep -- "--job-name=cf-$1 " "$SCRATCH/dry.sh" || { echo "FAIL: no sbatch line for $1"; exit 1; }; }
line spin_r1 | grep -q -- "--ntasks-per-node=4 .*--gpus-per-task=1 " || { echo "FAIL: spin_r1 lacks the GPU options"; exit 1; }
line generate_r1 | grep -q -- "--gpus-per-node=2 " || { echo "FAIL: generate_r1 lacks --gpus-per-node=2"; exit 1; }
line sft | grep -q -- "--gpus-per" && { echo "FAIL: sft got GPU options it was not given"; exit 1; }
[ "$(grep -c -- '--gpus-per' "$SCRATCH/dry.sh")" = 2 ] || { echo "FAIL: GPU options on other jobs"; exit 1; }
echo "ok: spin gets --ntasks-per-node=4 --gpus-per-task=1, generate --gpus-per-node=2, nothing else"
