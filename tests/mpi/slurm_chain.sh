#!/usr/bin/env bash
# slurm/submit.sh on a real local Slurm cluster (tools/local-slurm.sh): the whole chain at the
# demo's CI size (slurm/demo_chain.sh --small --print-config: 8 images + 1 clip, tiny model,
# 4 training steps, 1 SPIN round), in a work directory whose name has spaces, quotes, % and $(...):
#  1. --dry-run (of a config file with a hostile name too) submits and creates nothing; the bash
#     script it prints makes exactly the intended sbatch calls (run with a recording sbatch);
#     nothing in the paths is ever executed;
#  2. scenegen -> ingest -> segment (array) -> build_db -> retrieve (array) -> caption (array)
#     -> qa (array) -> merge -> tokenizer -> sft -> generate_r1 -> spin_r1 -> answers -> eval
#     with a broken caption setting: caption fails, and every job after it is cancelled by Slurm
#     without ever starting (never left pending);
#  3. re-submitted with the setting fixed: the finished stages are skipped, the rest runs, every
#     job COMPLETED, the outputs are valid (complete shards, a dataset with train and eval
#     samples, token sets, both models' weights, SPIN pairs, answers, an evaluation report of
#     both models); each array task wrote its own part of the shards;
#  4. a third submission has nothing to do.
# Exit 77 (skipped) when no local cluster can be started (no root, Slurm or munge not installed).
source "$(dirname "$0")/common.sh"
chmod 755 "$SCRATCH"
CLUSTER="$SCRATCH/cluster"
trap '"$SRC/tools/local-slurm.sh" down "$CLUSTER"; rm -rf "$SCRATCH"' EXIT
up=$("$SRC/tools/local-slurm.sh" up "$CLUSTER") || { rc=$?; [ "$rc" != 77 ] || echo "SKIP: no local Slurm cluster"; exit "$rc"; }
eval "$up"
state() { squeue -h -r -t all -j "$1" -o '%T' | sort -u | paste -sd, -; }
wait_idle() {  # wait until no job is pending or running (at most $1 s)
  local i
  for i in $(seq 1 "$1"); do [ -z "$(squeue -h -t PD,R,CG,CF,S 2>/dev/null)" ] && return 0; sleep 1; done
  echo "jobs still queued after $1 s:"; squeue -r -t all; return 1
}
job_of() { awk -v s="$1:" '$1 == s {print $3}' "$2"; }  # job_of STAGE SUBMIT_OUTPUT

WORK="$SCRATCH/work dir \$(touch $SCRATCH/pwned) \`touch $SCRATCH/pwned2\` 'q' \"dq\" %x"
GOOD="$SCRATCH/config \$(touch $SCRATCH/pwned3) 'c'.toml"  # '/' in a name: nested directories
mkdir -p "$(dirname "$GOOD")"
pwned() { [ -e "$SCRATCH/pwned" ] || [ -e "$SCRATCH/pwned2" ] || [ -e "$SCRATCH/pwned3" ]; }
BIN="$BUILD/jobs" UNTIL=eval "$SRC/slurm/demo_chain.sh" --small --print-config "$WORK" > "$GOOD"
{ cat "$GOOD"; printf '[set.caption]\ncaption.max_objects = -1\n'; } > "$SCRATCH/bad.toml"
STAGES=(scenegen ingest segment build_db retrieve caption qa merge tokenizer sft generate_r1 spin_r1
        answers_sft answers_spin_r1 eval)

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
def script_args(call, script):
    return call[call.index(f"{src}/slurm/{script}.sbatch"):]
seg = calls[2]
assert "--dependency=afterok:2" in seg and "--array=0-1" in seg, seg
assert f"--output={work.replace('%', '%%')}/slurm/logs/cf-segment-%A_%a.out" in seg, seg
tail = script_args(seg, "segment")
exe = tail.index("--") + 1
assert tail[exe].endswith("/jobs/cf-segment"), tail
assert tail[exe + 1:] == ["--set", f"io.input={work}/ingest", "--set", f"io.output={work}/segment"], tail
assert ["--claim", "segment", f"{work}/segment"] == tail[tail.index("--claim"):tail.index("--claim") + 3], tail
assert "--dependency=afterok:3:4" in calls[4], calls[4]
assert "--dependency=afterok:10" in calls[10] and f"generate.checkpoint={work}/sft" in calls[10], calls[10]
spin = script_args(calls[11], "spin")
assert "--max-restarts" in spin and f"model.init={work}/sft/model.safetensors" in spin, spin
toml = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
ev = calls[14]
assert "--dependency=afterok:13:14" in ev, ev
assert f"eval.answers=[{toml(work + '/answers/sft')}, {toml(work + '/answers/spin_r1')}]" in ev, ev
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
for s in "${STAGES[@]:0:5}"; do
  id=$(job_of "$s" "$SCRATCH/submit1.txt")
  [ "$(state "$id")" = COMPLETED ] || { echo "$s: $(state "$id")"; exit 1; }
done
for s in "${STAGES[@]:6}"; do
  id=$(job_of "$s" "$SCRATCH/submit1.txt")
  [ "$(state "$id")" = CANCELLED ] || { echo "$s: $(state "$id"), want CANCELLED"; exit 1; }
  reason=$(squeue -h -r -t all -j "$id" -o '%r' | sort -u | paste -sd, -)
  [ "$reason" = DependencyNeverSatisfied ] || { echo "$s cancelled for '$reason'"; exit 1; }
  ! compgen -G "$WORK/slurm/logs/cf-$s-$id*" > /dev/null || { echo "$s started"; exit 1; }
done
grep -q "caption.max_objects" "$WORK/slurm/logs/cf-caption-${caption}_0.out"

# 3. Fixed and re-submitted: resumes after the completed stages and runs to the end.
"$SRC/slurm/submit.sh" "$GOOD" | tee "$SCRATCH/submit2.txt"
for s in "${STAGES[@]:0:5}"; do grep -qx "skip $s: complete" "$SCRATCH/submit2.txt"; done
wait_idle 300
for s in "${STAGES[@]:5}"; do
  id=$(job_of "$s" "$SCRATCH/submit2.txt")
  [ "$(state "$id")" = COMPLETED ] || { echo "$s: $(state "$id")"; cat "$WORK"/slurm/logs/cf-"$s"-*; exit 1; }
done
"$BUILD/jobs/cf-status" "$WORK/ingest" "$WORK/segment" "$WORK/retrieve" "$WORK/caption" "$WORK/qa" \
  "$WORK/dataset" "$WORK/tokens/train" "$WORK/tokens/eval" "$WORK/round-1/pairs" "$WORK/answers/sft" \
  "$WORK/answers/spin_r1"
$PY - "$WORK" <<'PYEOF'
import json, os, sys
work = sys.argv[1]
stats = json.load(open(f"{work}/dataset/stats.json"))
assert stats["samples"]["train"] > 0 and stats["samples"]["eval"] > 0, stats["samples"]
for model in ("sft", "round-1/model"):
    assert os.path.getsize(f"{work}/{model}/model.safetensors") > 10000, model
report = json.load(open(f"{work}/eval/report.json"))
assert report["models"] == ["sft", "spin_r1"] and report["samples"] > 0, report
assert os.path.getsize(f"{work}/eval/report.md") > 0
print("dataset:", stats["samples"], "| eval report:", json.dumps(report)[:400])
PYEOF
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
