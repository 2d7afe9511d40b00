#!/usr/bin/env bash
# cf-eval with the openai judge against a fake judge server on loopback (python http.server):
# grades are read from the replies, replies without a score are asked again and then counted as
# failed (never dropped), a server error is retried, and a run killed with -9 mid-way leaves no
# report; the re-run into the same directory completes with every judgment exactly once.
source "$(dirname "$0")/common.sh"
cat > "$SCRATCH/judge.py" <<'PYEOF'
import http.server, json, sys, threading, time
port_file, delay = sys.argv[1], float(sys.argv[2])
lock, calls = threading.Lock(), {"n": 0}
def between(t, a, b):
    i = t.index(a) + len(a)
    return t[i:t.index(b, i)]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        user = body["messages"][1]["content"]
        with lock:
            calls["n"] += 1
            n = calls["n"]
        time.sleep(delay)
        if n % 7 == 3:  # a transient server error now and then: the client retries
            self.send_response(503); self.end_headers(); self.wfile.write(b"busy"); return
        if "Answer A:" in user:
            ref = between(user, "(treat as correct):\n", "\n\nAnswer A:")
            a = between(user, "Answer A:\n", "\n\nAnswer B:")
            b = between(user, "Answer B:\n", "\n\nDecide")
            v = "A" if a == ref and b != ref else "B" if b == ref and a != ref else "tie"
            text = f"Reasoning about 2 answers.\n<verdict>{v}</verdict>"
        else:
            ref = between(user, "(treat as correct):\n", "\n\nModel answer")
            ans = between(user, "Model answer to grade:\n", "\n\nGrade")
            text = "I cannot tell, 2 or 3 or 4." if "GARBLE" in ans else f"Close.\nScore: {5 if ans == ref else 2}"
        out = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                       "finish_reason": "stop"}], "usage": {"prompt_tokens": 10, "completion_tokens": 4}}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out))); self.end_headers(); self.wfile.write(out)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(port_file + ".tmp", "w").write(str(srv.server_address[1]))
import os; os.rename(port_file + ".tmp", port_file)
srv.serve_forever()
PYEOF
start_server() {  # start_server DELAY → PORT, SERVER_PID
  rm -f "$SCRATCH/port"
  $PY "$SCRATCH/judge.py" "$SCRATCH/port" "$1" & SERVER_PID=$!
  for _ in $(seq 1 100); do [ -f "$SCRATCH/port" ] && break; sleep 0.05; done
  PORT=$(cat "$SCRATCH/port")
}
stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
trap 'stop_server; rm -rf "$SCRATCH"' EXIT

{
  for i in 0 1 2 3 4 5; do
    echo "{\"sample_id\":\"s$i\",\"task\":\"general\",\"question\":\"q$i\",\"reference\":\"ref $i\",\"answer\":\"ref $i\",\"model\":\"good\"}"
    b="wrong $i"; [ "$i" = 4 ] && b="GARBLE $i"
    echo "{\"sample_id\":\"s$i\",\"task\":\"general\",\"question\":\"q$i\",\"reference\":\"ref $i\",\"answer\":\"$b\",\"model\":\"bad\"}"
  done
  echo '{"sample_id":"c0","task":"annotation","question":"Annotate.","reference":{"weather":"Overcast","rule_violation":false},"answer":{"weather":"Overcast","rule_violation":false},"model":"good"}'
  echo '{"sample_id":"c0","task":"annotation","question":"Annotate.","reference":{"weather":"Overcast","rule_violation":false},"answer":"not json at all","model":"bad"}'
} > "$SCRATCH/answers.jsonl"
common=(--set "eval.answers=[\"$SCRATCH/answers.jsonl\"]" --set eval.judge=openai --set net.api_key_env=
        --set net.max_retries=3 --set net.backoff_ms=5 --set eval.parse_retries=1 --set eval.bootstrap=200)

# Slow server, one request at a time: kill -9 a rank after a few requests.
start_server 0.15
OUT="$SCRATCH/eval"
run_np 2 cf-eval "${common[@]}" --set "net.base_url=http://127.0.0.1:$PORT/v1" --set net.concurrency=1 \
  --set "io.output=$OUT" > /dev/null 2>&1 &
MPIRUN=$!
sleep 1.5
victim=$(pgrep -f "cf-eval.*io.output=$OUT" | grep -v "^$MPIRUN$" | tail -1)
[ -n "$victim" ] || { echo "no rank to kill"; exit 1; }
kill -9 "$victim"
if wait "$MPIRUN"; then echo "the killed run should not succeed"; exit 1; fi
[ ! -f "$OUT/report.json" ] && [ ! -f "$OUT/judgments.jsonl" ] || { echo "killed run left a report"; exit 1; }
stop_server

# Re-run into the same directory with a fast server.
start_server 0
run_np 2 cf-eval "${common[@]}" --set "net.base_url=http://127.0.0.1:$PORT/v1" --set "io.output=$OUT" \
  > "$SCRATCH/summary.json" 2> "$SCRATCH/eval.log" || { cat "$SCRATCH/eval.log"; exit 1; }
$PY - "$OUT" "$SCRATCH/summary.json" <<'PYEOF'
import json, sys, collections
out, summary = sys.argv[1], json.load(open(sys.argv[2]))
r = json.load(open(f"{out}/report.json"))
lines = [json.loads(l) for l in open(f"{out}/judgments.jsonl")]
keys = collections.Counter((l["type"], l["sample_id"], l.get("model", l.get("first")), l.get("field", "")) for l in lines)
assert all(v == 1 for v in keys.values()), "a judgment twice"
# 6 general x 2 models + annotation: good 2 fields judged, bad 2 fields scored 1 locally (not JSON);
# pairs: 7 samples x 2 orders.
assert len(lines) == 12 + 4 + 14, len(lines)
g = r["tasks"]["general"]
assert g["good"]["mean"] == 5 and g["good"]["failed"] == 0, g
assert g["bad"]["failed"] == 1 and g["bad"]["judged"] == 5, g          # the GARBLE answer
assert abs(g["bad"]["mean"] - (2 * 5 + 1) / 6) < 1e-9, g              # failed counted as 1
assert r["judgments_failed"] == 1 and summary["items_failed"] == 1, (r["judgments_failed"], summary)
bad = [l for l in lines if not l["ok"]]
assert "no score marker and several numbers" in bad[0]["reason"], bad
assert r["unparseable_annotations"] == {"good": 0, "bad": 1}
assert r["fields"]["weather"]["bad"]["mean"] == 1 and r["fields"]["weather"]["good"]["mean"] == 5
e = r["pairwise"]["ratings"]
assert e["good"]["rating"] > e["bad"]["rating"] and e["good"]["losses"] == 0, e
st = r["judge_stats"]
assert st["request_retries"] >= 1 and st["reasked_unusable"] == 1 and st["requests_failed"] == 0, st
PYEOF
grep -q "1 failed" "$OUT/report.md"
echo "eval_openai: OK"
