#!/usr/bin/env bash
# run.device (model/device): `cuda` where LibTorch sees no GPU is exit 2 with a message naming the
# setting, for cf-train (1 and 2 ranks) and cf-generate; `cpu` and the default `auto` train on
# the CPU here. (On a GPU node `cuda` also exits 2 until the CUDA step lands: issue 15.)
source "$(dirname "$0")/common.sh"
TOK="$SCRATCH/tok"
"$BUILD/tests/cf-test-tokens" "$TOK" 16 --image-tokens 16 --vocab 256 > /dev/null
train() {  # train N OUT args...
  local n=$1 out=$2
  shift 2
  run_np "$n" cf-train --set "io.input=$TOK" --set "io.output=$out" --set "model.preset=$SRC/tests/data/micro.toml" \
    --set train.max_steps=1 --set train.global_batch=4 --set train.micro_batch=2 "$@"
}
expect_exit2() {  # expect_exit2 NAME CMD...: exit code 2 and run.device named on stderr
  local name=$1 rc=0
  shift
  "$@" > "$SCRATCH/$name.out" 2> "$SCRATCH/$name.err" || rc=$?
  [ "$rc" = 2 ] || { echo "FAIL: $name exited $rc, want 2"; cat "$SCRATCH/$name.err"; exit 1; }
  grep -q "run.device" "$SCRATCH/$name.err" || { echo "FAIL: $name does not name run.device"; cat "$SCRATCH/$name.err"; exit 1; }
  echo "ok: $name -> exit 2: $(grep -m1 'run.device' "$SCRATCH/$name.err")"
}
expect_exit2 train_cuda_1 train 1 "$SCRATCH/t1" --set run.device=cuda
expect_exit2 train_cuda_2 train 2 "$SCRATCH/t2" --set run.device=cuda
expect_exit2 generate_cuda run_np 1 cf-generate --set "io.input=$TOK" --set "io.output=$SCRATCH/g" \
  --set "generate.checkpoint=$SCRATCH/none" --set run.device=cuda
train 2 "$SCRATCH/auto" > "$SCRATCH/auto.out" 2> "$SCRATCH/auto.err" || { cat "$SCRATCH/auto.err"; exit 1; }
train 1 "$SCRATCH/cpu" --set run.device=cpu > "$SCRATCH/cpu.out" 2> "$SCRATCH/cpu.err" || { cat "$SCRATCH/cpu.err"; exit 1; }
echo "ok: auto (2 ranks) and cpu trained on the CPU"
