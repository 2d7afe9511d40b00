#!/usr/bin/env bash
# slurm/submit.sh on a real local Slurm cluster (tools/local-slurm.sh), in a work directory whose
# name has spaces, quotes, % and $(...):
#  1. --dry-run prints a bash script whose sbatch calls carry exactly the intended arguments
#     (checked by running it with a recording sbatch); nothing in the path is executed;
#  2. the chain scenegen -> ingest (2 MPI ranks) -> segment (array) -> build_db -> retrieve
#     (array) -> caption (array) -> qa (array) with a broken caption setting: caption fails and
#     qa is cancelled by Slurm (never left pending);
#  3. re-submitted with the setting fixed: the finished stages are skipped, caption and qa run,
#     every output is complete (cf-status), each array task wrote its own part of the shards;
#  4. a third submission has nothing to do.
source "$(dirname "$0")/common.sh"
chmod 755 "$SCRATCH"
CLUSTER="$SCRATCH/cluster"
trap '"$SRC/tools/local-slurm.sh" down "$CLUSTER"; rm -rf "$SCRATCH"' EXIT
eval "$("$SRC/tools/local-slurm.sh" up "$CLUSTER")"
state() { squeue -h -r -t all -j "$1" -o '%T' | sort -u | paste -sd, -; }
wait_idle() {  # wait until no job is pending or running (at most $1 s)
  local i
  for i in $(seq 1 "$1"); do [ -z "$(squeue -h -t PD,R,CG,CF,S 2>/dev/null)" ] && return 0; sleep 1; done
  echo "jobs still queued after $1 s:"; squeue -r -t all; return 1
}

WORK="$SCRATCH/work dir \$(touch $SCRATCH/pwned) \`touch $SCRATCH/pwned2\` 'q' \"dq\" %x"
WORK_TOML=${WORK//\\/\\\\}
WORK_TOML=${WORK_TOML//\"/\\\"}
write_config() {  # write_config FILE CAPTION_MAX_OBJECTS
  cat > "$1" <<EOF
[chain]
work = "$WORK_TOML"  # a TOML basic string: \" and \\ escaped
scenegen = true
array_tasks = 2
until = "qa"

[slurm]
ntasks = 1
cpus_per_task = 1
time = "00:10:00"

[slurm.ingest]
ntasks = 2

[set.scenegen]
scenegen.images = 6
scenegen.clips = 0
scenegen.width = 320
scenegen.height = 180

[set.ingest]
ingest.shard_cost = 2
run.threads = 1

[set.caption]
caption.max_objects = $2
EOF
}
write_config "$SCRATCH/bad.toml" -1
write_config "$SCRATCH/good.toml" 12

# 1. Dry run: run the printed script with an sbatch that records its arguments.
"$SRC/slurm/submit.sh" --dry-run "$SCRATCH/good.toml" > "$SCRATCH/dry.sh"
mkdir -p "$SCRATCH/fakebin"
cat > "$SCRATCH/fakebin/sbatch" <<'EOF'
#!/usr/bin/env python3
import json, os, sys
with open(os.environ["RECORD"], "a") as f:
    f.write(json.dumps(sys.argv[1:]) + "\n")
print(sum(1 for _ in open(os.environ["RECORD"])))
EOF
chmod +x "$SCRATCH/fakebin/sbatch"
RECORD="$SCRATCH/record.jsonl" PATH="$SCRATCH/fakebin:$PATH" bash "$SCRATCH/dry.sh"
$PY - "$SCRATCH/record.jsonl" "$WORK" "$SRC" <<'PYEOF'
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1])]
work, src = sys.argv[2], sys.argv[3]
names = [next(a for a in c if a.startswith("--job-name=")).split("=", 1)[1] for c in calls]
assert names == ["cf-scenegen", "cf-ingest", "cf-segment", "cf-build_db", "cf-retrieve", "cf-caption", "cf-qa"], names
seg = calls[2]
assert "--dependency=afterok:2" in seg and "--array=0-1" in seg, seg
assert f"--output={work.replace('%', '%%')}/slurm/logs/cf-segment-%A_%a.out" in seg, seg
tail = seg[seg.index(f"{src}/slurm/segment.sbatch"):]
exe = tail.index("--") + 1
assert tail[exe].endswith("/jobs/cf-segment"), tail
assert tail[exe + 1:] == ["--set", f"io.input={work}/ingest", "--set", f"io.output={work}/segment"], tail
assert ["--claim", "segment", f"{work}/segment"] == tail[tail.index("--claim"):tail.index("--claim") + 3], tail
assert "--dependency=afterok:3:4" in calls[4], calls[4]
assert "--set" in calls[5] and "caption.max_objects=12" in calls[5], calls[5]
print("dry run: 7 sbatch calls with the exact arguments")
PYEOF
[ ! -e "$SCRATCH/pwned" ] && [ ! -e "$SCRATCH/pwned2" ] || { echo "a command in the path was executed"; exit 1; }

# 2. A failing stage: caption exits 2 (bad setting), qa is cancelled.
"$SRC/slurm/submit.sh" "$SCRATCH/bad.toml" | tee "$SCRATCH/submit1.txt"
wait_idle 100
caption=$(awk '$1 == "caption:" {print $3}' "$SCRATCH/submit1.txt")
qa=$(awk '$1 == "qa:" {print $3}' "$SCRATCH/submit1.txt")
squeue -r -t all -o '%i %j %T %r'
[ "$(state "$caption")" = FAILED ] || { echo "caption: $(state "$caption"), want FAILED"; exit 1; }
[ "$(state "$qa")" = CANCELLED ] || { echo "qa: $(state "$qa"), want CANCELLED"; exit 1; }
for s in scenegen ingest segment build_db retrieve; do
  id=$(awk -v s="$s:" '$1 == s {print $3}' "$SCRATCH/submit1.txt")
  [ "$(state "$id")" = COMPLETED ] || { echo "$s: $(state "$id")"; exit 1; }
done
grep -q "caption.max_objects" "$WORK/slurm/logs/cf-caption-${caption}_0.out"

# 3. Fixed and re-submitted: resumes after the completed stages.
"$SRC/slurm/submit.sh" "$SCRATCH/good.toml" | tee "$SCRATCH/submit2.txt"
for s in scenegen ingest segment build_db retrieve; do grep -qx "skip $s: complete" "$SCRATCH/submit2.txt"; done
wait_idle 100
for s in caption qa; do
  id=$(awk -v s="$s:" '$1 == s {print $3}' "$SCRATCH/submit2.txt")
  [ "$(state "$id")" = COMPLETED ] || { echo "$s: $(state "$id")"; cat "$WORK"/slurm/logs/cf-$s-*; exit 1; }
done
"$BUILD/jobs/cf-status" "$WORK/ingest" "$WORK/segment" "$WORK/retrieve" "$WORK/caption" "$WORK/qa"
# The array tasks split the shards: each task's summary counts only its part.
qa_id=$(awk '$1 == "qa:" {print $3}' "$SCRATCH/submit2.txt")
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
"$SRC/slurm/submit.sh" "$SCRATCH/good.toml" | tee "$SCRATCH/submit3.txt"
grep -q "nothing to submit" "$SCRATCH/submit3.txt"
[ ! -e "$SCRATCH/pwned" ] && [ ! -e "$SCRATCH/pwned2" ]
echo "slurm_chain: OK"
