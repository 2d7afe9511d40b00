#!/usr/bin/env bash
# cf-eval with the offline judge end to end: answers made from cf-scenegen ground truth
# (perfect / noisy / degraded, tools/make_answers.py), 2 ranks vs 1 rank give the same report,
# the ranking is right on every field, Elo CIs are seeded, plots (fields, tasks, Elo, loss) are
# PNGs, and bad inputs are config errors naming them.
source "$(dirname "$0")/common.sh"
"$BUILD/jobs/cf-scenegen" --set "io.output=$SCRATCH/corpus" --set scenegen.images=6 --set scenegen.clips=2 \
  --set scenegen.width=320 --set scenegen.height=180 > /dev/null 2>&1
$PY "$SRC/tools/make_answers.py" "$SCRATCH/corpus" "$SCRATCH/answers" > /dev/null
mkdir -p "$SCRATCH/train_sft/logs"
for s in $(seq 1 30); do
  echo "{\"stage\":\"train\",\"step\":$s,\"loss\":$(awk -v s="$s" 'BEGIN { print 4 / (s + 1) + 0.5 }')}" >> "$SCRATCH/train_sft/logs/metrics-rank0.jsonl"
done
A="$SCRATCH/answers"
answers="eval.answers=[\"$A/perfect.jsonl\",\"$A/noisy.jsonl\",\"$A/degraded.jsonl\"]"

run_np 2 cf-eval --set "$answers" --set "io.output=$SCRATCH/e2" --set "eval.train_logs=[\"$SCRATCH/train_sft\"]" \
  > "$SCRATCH/s2.json" 2> "$SCRATCH/e2.log"
[ "$(wc -l < "$SCRATCH/s2.json")" -eq 1 ]
grep -q "| model | Elo |" "$SCRATCH/e2.log" || { echo "table not printed"; cat "$SCRATCH/e2.log"; exit 1; }
run_np 1 cf-eval --set "$answers" --set "io.output=$SCRATCH/e1" --set eval.plots=false > "$SCRATCH/s1.json" 2>/dev/null
cmp "$SCRATCH/e1/judgments.jsonl" "$SCRATCH/e2/judgments.jsonl"
cmp "$SCRATCH/e1/report.md" "$SCRATCH/e2/report.md"
run_np 1 cf-eval --set "$answers" --set "io.output=$SCRATCH/e3" --set eval.plots=false --set eval.seed=99 > /dev/null 2>&1

$PY - "$SCRATCH" <<'PYEOF'
import json, sys
d = sys.argv[1]
s = json.loads(open(f"{d}/s2.json").read())
assert s["stage"] == "eval" and s["items_failed"] == 0 and s["models"] == 3 and s["plots"] == 4, s
r = json.load(open(f"{d}/e2/report.json"))
r1 = json.load(open(f"{d}/e1/report.json"))
for k in ("fields", "tasks", "pairwise"):
    assert r[k] == r1[k], k
assert r["judgments_failed"] == 0 and r["samples"] == s["samples"] > 0
assert set(r["fields"]) >= {"weather", "safety_analysis", "interactive_expanded_metaaction", "rule_violation"}
for f, per in r["fields"].items():
    assert per["perfect"]["mean"] == 5 and per["perfect"]["success_rate"] == 1, (f, per)
    assert per["degraded"]["mean"] < 5, (f, per)
for t, per in r["tasks"].items():
    assert per["perfect"]["score_100"] == 100, (t, per)
    assert per["perfect"]["score_100"] > per["degraded"]["score_100"], (t, per)
el = r["pairwise"]["ratings"]
assert el["perfect"]["rating"] > el["noisy"]["rating"] > el["degraded"]["rating"], el
for m, e in el.items():
    assert e["ci_low"] <= e["rating"] <= e["ci_high"], e
assert abs(sum(e["rating"] for e in el.values()) / 3 - 1000) < 1e-6
h = r["pairwise"]["head_to_head"]
assert h["perfect"]["degraded"]["losses"] == 0 and h["perfect"]["degraded"]["wins"] > 0, h
r3 = json.load(open(f"{d}/e3/report.json"))
assert r3["pairwise"]["ratings"]["perfect"]["rating"] == el["perfect"]["rating"]
assert r3["pairwise"]["ratings"]["perfect"]["ci_low"] != el["perfect"]["ci_low"], "seed had no effect"
for p in ("fields", "tasks", "elo", "loss"):
    png = open(f"{d}/e2/plots/{p}.png", "rb").read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 4000, (p, len(png))  # a real plot, not a stub
assert len(r["plots"]) == 4 and r["plot_errors"] == []
lines = [json.loads(l) for l in open(f"{d}/e2/judgments.jsonl")]
assert len(lines) == s["items_ok"], (len(lines), s)
assert {l["type"] for l in lines} == {"score", "pair"}
PYEOF

# A missing gnuplot is a warning, not a failure.
run_np 1 cf-eval --set "$answers" --set "io.output=$SCRATCH/e4" --set eval.gnuplot=/nonexistent/gnuplot > "$SCRATCH/s4.json" 2>/dev/null
grep -q '"plot_errors":3' "$SCRATCH/s4.json" || { cat "$SCRATCH/s4.json"; exit 1; }

expect_config_error() {  # expect_config_error PATTERN args...
  local pattern=$1; shift
  set +e
  run_np 2 cf-eval "$@" > /dev/null 2> "$SCRATCH/err.txt"
  local rc=$?
  set -e
  [ "$rc" -eq 2 ] && grep -q -- "$pattern" "$SCRATCH/err.txt" || { echo "want exit 2 with '$pattern', got $rc:"; cat "$SCRATCH/err.txt"; exit 1; }
}
expect_config_error "missing.jsonl' does not exist" --set "eval.answers=[\"$A/perfect.jsonl\",\"$A/missing.jsonl\"]" --set "io.output=$SCRATCH/x1"
expect_config_error "eval.models has 1 names for 2" --set "eval.answers=[\"$A/perfect.jsonl\",\"$A/noisy.jsonl\"]" --set 'eval.models=["a"]' --set "io.output=$SCRATCH/x2"
expect_config_error "eval.answers is empty" --set "io.output=$SCRATCH/x3"
expect_config_error "no plan.json\|plan.json" --set "eval.answers=[\"$SCRATCH/corpus/images\"]" --set "io.output=$SCRATCH/x4"
echo "eval_builtin: OK"
