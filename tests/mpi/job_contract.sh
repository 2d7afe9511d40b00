#!/usr/bin/env bash
# The job contract of every cf-<stage>: --help, exit codes, config errors naming file/key/line,
# shipped default configs equal to the built-in defaults, the output guard, one JSON summary line.
source "$(dirname "$0")/common.sh"
expect_exit() {  # expect_exit CODE PATTERN cmd...
  local code=$1 pattern=$2; shift 2
  set +e
  "$@" > "$SCRATCH/out.txt" 2> "$SCRATCH/err.txt"
  local rc=$?
  set -e
  if [ "$rc" -ne "$code" ] || ! grep -q -- "$pattern" "$SCRATCH/out.txt" "$SCRATCH/err.txt"; then
    echo "FAIL: '$*' exited $rc (want $code), output lacks '$pattern':"; cat "$SCRATCH/out.txt" "$SCRATCH/err.txt"; exit 1
  fi
}
for stage in ingest scenegen tokenizer build_db retrieve caption qa segment merge generate eval; do
  bin="$BUILD/jobs/cf-${stage//_/-}"
  expect_exit 0 "--config" "$bin" --help
  expect_exit 2 "unknown key 'nosuch.key'" "$bin" --set nosuch.key=1
  expect_exit 2 "is not an integer" "$bin" --set run.threads=many
  diff <("$bin" --print-config) <("$bin" --config "$SRC/configs/$stage.toml" --print-config)
  printf '[log]\nlevel = "info"\n\n[run]\nthreadz = 2\n' > "$SCRATCH/bad.toml"
  expect_exit 2 "bad.toml:5: unknown key 'run.threadz' (did you mean 'run.threads'?)" "$bin" --config "$SCRATCH/bad.toml"
  printf '[run]\nthreads = "2"\n' > "$SCRATCH/typed.toml"
  expect_exit 2 "typed.toml:2: key 'run.threads' must be an integer, got a string" "$bin" --config "$SCRATCH/typed.toml"
done

# Output guard: another stage's output, a foreign non-empty directory, the input itself.
"$BUILD/jobs/cf-scenegen" --set "io.output=$SCRATCH/corpus" --set scenegen.images=3 --set scenegen.clips=0 \
  --set scenegen.width=320 --set scenegen.height=180 > "$SCRATCH/scenegen.json" 2>/dev/null
[ "$(wc -l < "$SCRATCH/scenegen.json")" -eq 1 ]
expect_exit 2 "holds the output of stage 'scenegen'" "$BUILD/jobs/cf-ingest" --set "io.input=$SCRATCH/corpus/images" --set "io.output=$SCRATCH/corpus"
expect_exit 2 "is the input directory" "$BUILD/jobs/cf-ingest" --set "io.input=$SCRATCH/corpus/images" --set "io.output=$SCRATCH/corpus/images"
mkdir -p "$SCRATCH/foreign" && touch "$SCRATCH/foreign/precious.txt"
expect_exit 2 "not empty and was not written by cornerforge" "$BUILD/jobs/cf-ingest" --set "io.input=$SCRATCH/corpus" --set "io.output=$SCRATCH/foreign"
expect_exit 2 "is not a directory (the corpus root)" run_np 2 cf-ingest --set "io.input=$SCRATCH/missing" --set "io.output=$SCRATCH/o2"

# Start-up with a fresh io.output on 3 ranks while rank 0 holds the half-made directory for
# 0.6 s (CF_DEBUG_CLAIM_DELAY_MS; the other ranks arrive half-way): every rank must check before
# rank 0 claims, else a rank refuses alone and rank 0 waits in a barrier forever (a hang that
# once hit CI about 1 run in 40).
CF_DEBUG_CLAIM_DELAY_MS=600 timeout 60 mpirun -np 3 --oversubscribe --bind-to none "$BUILD/jobs/cf-scenegen" \
  --set "io.output=$SCRATCH/claimed" --set scenegen.images=3 --set scenegen.clips=0 --set scenegen.width=160 \
  --set scenegen.height=90 > /dev/null 2> "$SCRATCH/claim.err" || { echo "FAIL: 3-rank start-up into a fresh io.output (rc $?)"; cat "$SCRATCH/claim.err"; exit 1; }

# Summary: exactly one JSON line on stdout with the contract's fields, exit 0.
run_np 2 cf-ingest --set "io.input=$SCRATCH/corpus" --set "io.output=$SCRATCH/ingest" > "$SCRATCH/summary.txt" 2>/dev/null
[ "$(wc -l < "$SCRATCH/summary.txt")" -eq 1 ]
$PY - "$SCRATCH/summary.txt" <<'PYEOF'
import json, sys
s = json.loads(open(sys.argv[1]).read())
assert list(s)[:6] == ["stage", "items_ok", "items_failed", "shards_done", "shards_skipped", "seconds"], s
assert s["stage"] == "ingest" and s["items_ok"] == 3 and s["items_failed"] == 0, s
PYEOF
echo "job_contract: OK"
