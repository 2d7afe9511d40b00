#!/usr/bin/env bash
# ZeRO-2 at world sizes 1, 2 and 4 ends with the same parameters as a plain unsharded
# implementation after several steps (bitwise: sums of bf16 gradients are exact in fp32 for
# these few micro-batches, and fp64 reduction makes it exact in general).
source "$(dirname "$0")/common.sh"
"$BUILD/tests/cf-test-tokens" "$SCRATCH/tokens" 48 --image-tokens 16 --vocab 256
for reduce in fp32 fp64; do
  for n in 1 2 4; do
    mpirun -np $n --oversubscribe --bind-to none "$BUILD/tests/cf-test-zero2" "$SCRATCH/tokens" "$SRC/tests/data/micro.toml" 5 "$SCRATCH/eq.json" $reduce 2>/dev/null
    cat "$SCRATCH/eq.json"
    $PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["mismatched"]==0 and r["max_master_rel_diff"]==0, r' "$SCRATCH/eq.json"
  done
done
echo "train_zero2_equivalence: OK"
