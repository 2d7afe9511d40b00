#!/usr/bin/env bash
# slurm/submit.sh on a real local Slurm cluster (tools/local-slurm.sh): the whole chain at the
# demo's CI size (slurm/demo_chain.sh --small --print-config: 8 images + 1 clip, tiny model,
# 4 training steps, 1 SPIN round), in a work directory whose name has spaces, quotes, % and $(...):
#  1. --dry-run (of a config file with a hostile name too) submits and creates nothing; the bash
#     script it prints makes exactly the intended sbatch calls (run with a recording sbatch);
#     nothing in the paths is ever executed;
#  2. scenegen (unlabeled, labeled corpora) -> ingest -> segment (array) -> build_db ->
#     retrieve (array) -> caption (array) -> qa (array) -> merge -> scenegen_eval -> labeled -> tokenizer ->
#     direct, sft_labeled, sft -> generate_r1 -> spin_r1 -> answers (4 models) -> eval
#     with a broken caption setting: caption fails, and every job after it is cancelled by Slurm
#     without ever starting (never left pending);
#  3. re-submitted with the setting fixed: the finished stages are skipped, the rest runs, every
#     job COMPLETED, the outputs are valid (complete shards, a dataset with train and eval
#     samples, token sets, the models' weights, SPIN pairs, answers, an evaluation report with
#     the rows of the results table: tests/mpi/slurm_results_check.py); each array task wrote its
#     own part of the shards;
#  4. a third submission has nothing to do.
# Exit 77 (skipped) when no local cluster can be started (no root, Slurm or munge not installed).
source "$(dirname "$0")/common.sh"
slurm_up
state() { squeue -h -r -t all -j "$1" -o '%T' | sort -u | paste -sd, -; }
wait_idle() {  # wait until no job is pending or running (at most $1 s)
  local i
  for i in $(seq 1 "$1"); do [ -z "$(squeue -h -t PD,R,CG,CF,S 2>/dev/null)" ] && return 0; sleep 1; done
  echo "jobs still queued after $1 s:"; squeue -r -t all
  local f  # the last lines of every job log, for the cause
  for f in "$WORK/slurm/logs"/*.out; do [ -f "$f" ] && { echo "== $f"; tail -n 15 "$f"; }; done
  ps -eo pid,etimes,pcpu,args | grep "[c]f-" | cut -c1-200
  return 1
}
job_of() { awk -v s="$1:" '$1 == s {print $3}' "$2"; }  # job_of STAGE SUBMIT_OUTPUT

WORK="$SCRATCH/work dir \$(touch $SCRATCH/pwned) \`touch $SCRATCH/pwned2\` 'q' \"dq\" %x"
GOOD="$SCRATCH/config \$(touch $SCRATCH/pwned3) 'c'.toml"  # '/' in a name: nested directories
mkdir -p "$(dirname "$GOOD")"
pwned() { [ -e "$SCRATCH/pwned" ] || [ -e "$SCRATCH/pwned2" ] || [ -e "$SCRATCH/pwned3" ]; }
BIN="$BUILD/jobs" UNTIL=eval "$SRC/slurm/demo_chain.sh" --small --print-config "$WORK" > "$GOOD"
{ cat "$GOOD"; printf '[set.caption]\ncaption.max_objects = -1\n'; } > "$SCRATCH/bad.toml"
STAGES=(scenegen scenegen_labeled ingest segment build_db retrieve caption qa merge scenegen_eval labeled
        tokenizer direct sft_labeled sft generate_r1 spin_r1 answers_direct answers_sft_labeled answers_sft
        answers_spin_r1 eval)
FIRST_OK=6  # STAGES[0..5] complete before caption fails, and are skipped on re-submitting
SKIPPED=("${STAGES[@]:0:FIRST_OK}")
INDEPENDENT=scenegen_eval  # after caption, but needs nothing: it runs (and re-runs: sets/eval is missing)

# 1. Dry run: submits and creates nothing; its script, run with an sbatch that records its
#    arguments, makes the intended calls.
mkdir -p "$SCRATCH/fakebin"
cat > "$SCRATCH/fakebin/sbatch" <<'PYEOF'
#!/usr/bin/env python3
import json, os, sys
with open(os.environ["RECORD"], "a") as f:
    f.write(json.dumps(sys.argv[1:]) + "\n")
print(sum(1 for _ in open(os.environ["RECORD"])))
PYEOF
chmod +x "$SCRATCH/fakebin/sbatch"
export RECORD="$SCRATCH/record.jsonl"
PATH="$SCRATCH/fakebin:$PATH" "$SRC/slurm/submit.sh" --dry-run "$GOOD" > "$SCRATCH/dry.sh"
[ ! -e "$RECORD" ] || { echo "--dry-run called sbatch"; exit 1; }
[ ! -e "$WORK" ] || { echo "--dry-run created the work directory"; exit 1; }
! pwned || { echo "--dry-run executed a command in a path"; exit 1; }
PATH="$SCRATCH/fakebin:$PATH" bash "$SCRATCH/dry.sh"
$PY - "$RECORD" "$WORK" "$SRC" "${STAGES[@]}" <<'PYEOF'
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1])]
work, src, stages = sys.argv[2], sys.argv[3], sys.argv[4:]
names = [next(a for a in c if a.startswith("--job-name=")).split("=", 1)[1] for c in calls]
assert names == ["cf-" + s for s in stages], names
call = {s: c for s, c in zip(stages, calls)}
jid = lambda *ss: ":".join(str(stages.index(s) + 1) for s in ss)  # the recording sbatch's ids
def script_args(call, script):
    return call[call.index(f"{src}/slurm/{script}.sbatch"):]
def sets(c):  # the --set values in order
    return [c[i + 1] for i, a in enumerate(c) if a == "--set"]
seg = call["segment"]
assert f"--dependency=afterok:{jid('ingest')}" in seg and "--array=0-1" in seg, seg
assert f"--output={work.replace('%', '%%')}/slurm/logs/cf-segment-%A_%a.out" in seg, seg
tail = script_args(seg, "segment")
exe = tail.index("--") + 1
assert tail[exe].endswith("/jobs/cf-segment"), tail
assert tail[exe + 1:] == ["--set", f"io.input={work}/ingest", "--set", f"io.output={work}/segment"], tail
assert ["--claim", "segment", f"{work}/segment"] == tail[tail.index("--claim"):tail.index("--claim") + 3], tail
assert f"--dependency=afterok:{jid('segment', 'build_db')}" in call["retrieve"], call["retrieve"]
db = call["build_db"]
assert f"--dependency=afterok:{jid('scenegen_labeled')}" in db and f"io.input={work}/corpus-labeled" in db, db
lab = script_args(call["labeled"], "labeled")
assert f"--dependency=afterok:{jid('merge', 'scenegen_labeled', 'scenegen_eval')}" in call["labeled"], call["labeled"]
assert lab[lab.index("--"):] == ["--", f"{src}/tools/make_sft_set.py", f"{work}/corpus-labeled", f"{work}/sets",
                                 "--eval-corpus", f"{work}/corpus-eval", "--coda", "--synthetic", f"{work}/dataset/train",
                                 "--id-prefix", "labeled/"], lab
assert "--launcher" in lab and lab[lab.index("--launcher") + 1] == "none", lab
direct = sets(call["direct"])  # learning rate 0 and one step, after [set.sft]'s settings
assert [v for v in direct if v.startswith("optim.lr=")][-1] == "optim.lr=0", direct
assert [v for v in direct if v.startswith("train.max_steps=")][-1] == "train.max_steps=1", direct
assert f"io.input={work}/tokens/train" in sets(call["sft_labeled"]), call["sft_labeled"]
assert f"io.input={work}/tokens/mixed" in sets(call["sft"]), call["sft"]
gen = call["generate_r1"]
assert f"--dependency=afterok:{jid('sft')}" in gen and f"generate.checkpoint={work}/sft" in gen, gen
assert f"io.input={work}/tokens/mixed" in gen, gen
spin = script_args(call["spin_r1"], "spin")
assert "--max-restarts" in spin and f"model.init={work}/sft/model.safetensors" in spin, spin
toml = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
ev = call["eval"]
models = ["direct", "sft_labeled", "sft", "spin_r1"]
assert f"--dependency=afterok:{jid(*['answers_' + m for m in models])}" in ev, ev
assert "eval.answers=[" + ", ".join(toml(f"{work}/answers/{m}") for m in models) + "]" in ev, ev
print(f"dry run: {len(calls)} sbatch calls with the exact arguments")
PYEOF
! pwned || { echo "a command in a path was executed"; exit 1; }
rm -rf "$WORK"

# 2. A failing stage: caption exits 2 (bad setting); everything after it is cancelled unstarted.
"$SRC/slurm/submit.sh" "$SCRATCH/bad.toml" | tee "$SCRATCH/submit1.txt"
wait_idle 120
squeue -r -t all -o '%i %j %T %r'
caption=$(job_of caption "$SCRATCH/submit1.txt")
[ "$(state "$caption")" = FAILED ] || { echo "caption: $(state "$caption"), want FAILED"; exit 1; }
for s in "${STAGES[@]:0:FIRST_OK}"; do
  id=$(job_of "$s" "$SCRATCH/submit1.txt")
  [ "$(state "$id")" = COMPLETED ] || { echo "$s: $(state "$id")"; exit 1; }
done
for s in "${STAGES[@]:FIRST_OK+1}"; do
  id=$(job_of "$s" "$SCRATCH/submit1.txt")
  if [ "$s" = "$INDEPENDENT" ]; then
    [ "$(state "$id")" = COMPLETED ] || { echo "$s: $(state "$id"), want COMPLETED"; exit 1; }
    continue
  fi
  [ "$(state "$id")" = CANCELLED ] || { echo "$s: $(state "$id"), want CANCELLED"; exit 1; }
  reason=$(squeue -h -r -t all -j "$id" -o '%r' | sort -u | paste -sd, -)
  [ "$reason" = DependencyNeverSatisfied ] || { echo "$s cancelled for '$reason'"; exit 1; }
  ! compgen -G "$WORK/slurm/logs/cf-$s-$id*" > /dev/null || { echo "$s started"; exit 1; }
done
grep -q "caption.max_objects" "$WORK/slurm/logs/cf-caption-${caption}_0.out"

# 3. Fixed and re-submitted: resumes after the completed stages and runs to the end.
"$SRC/slurm/submit.sh" "$GOOD" | tee "$SCRATCH/submit2.txt"
for s in "${SKIPPED[@]}"; do grep -qx "skip $s: complete" "$SCRATCH/submit2.txt"; done
wait_idle 300
for s in "${STAGES[@]}"; do
  [[ " ${SKIPPED[*]} " != *" $s "* ]] || continue
  id=$(job_of "$s" "$SCRATCH/submit2.txt")
  [ "$(state "$id")" = COMPLETED ] || { echo "$s: $(state "$id")"; cat "$WORK"/slurm/logs/cf-"$s"-*; exit 1; }
done
"$BUILD/jobs/cf-status" "$WORK/ingest" "$WORK/segment" "$WORK/retrieve" "$WORK/caption" "$WORK/qa" \
  "$WORK/dataset" "$WORK/sets/train" "$WORK/sets/eval" "$WORK/sets/mixed" "$WORK/tokens/train" \
  "$WORK/tokens/eval" "$WORK/tokens/mixed" "$WORK/round-1/pairs" "$WORK/answers/direct" \
  "$WORK/answers/sft_labeled" "$WORK/answers/sft" "$WORK/answers/spin_r1"
$PY - "$WORK" <<'PYEOF'
import json, os, sys
work = sys.argv[1]
stats = json.load(open(f"{work}/dataset/stats.json"))
assert stats["samples"]["train"] > 0 and stats["samples"]["eval"] > 0, stats["samples"]
for model in ("direct", "sft-labeled", "sft", "round-1/model"):
    assert os.path.getsize(f"{work}/{model}/model.safetensors") > 10000, model
assert os.path.getsize(f"{work}/eval/report.md") > 0
print("dataset:", stats["samples"])
PYEOF
$PY "$SRC/tests/mpi/slurm_results_check.py" "$SRC" "$WORK" 1
# The array tasks split the shards: each task's summary counts only its part.
qa_id=$(job_of qa "$SCRATCH/submit2.txt")
$PY - "$WORK/slurm/logs" "$qa_id" "$WORK/qa" <<'PYEOF'
import json, sys
logs, job, out = sys.argv[1:]
plan = json.load(open(f"{out}/plan.json"))
done = []
for task in (0, 1):
    lines = [l for l in open(f"{logs}/cf-qa-{job}_{task}.out") if l.startswith('{"stage"')]
    s = json.loads(lines[-1])
    assert s["shards_skipped"] == 0, s
    done.append(s["shards_done"])
assert sum(done) == plan["shards"] and all(d > 0 for d in done), (done, plan)
print("qa array tasks wrote", done, "of", plan["shards"], "shards")
PYEOF

# 4. Nothing left to do.
"$SRC/slurm/submit.sh" "$GOOD" | tee "$SCRATCH/submit3.txt"
grep -q "nothing to submit" "$SCRATCH/submit3.txt"
! pwned
echo "slurm_chain: OK"
