#!/usr/bin/env bash
# cf-caption (structured) on 2 ranks over ingest shards plus fixture segment/retrieve shards:
# kill -9 one rank midway, re-run -> every input item exactly once (items or failures), equal
# to an uninterrupted run and to a 1-rank run; a missing upstream shard is an error naming it;
# the openai backend against a loopback mock server (python http.server) records token usage
# and turns an always-failing item into a failure record with its reason.
source "$(dirname "$0")/common.sh"
"$BUILD/jobs/cf-scenegen" --set "io.output=$SCRATCH/corpus" --set scenegen.images=14 --set scenegen.clips=1 \
  --set scenegen.width=320 --set scenegen.height=180 > /dev/null 2>&1
run_np 2 cf-ingest --set "io.input=$SCRATCH/corpus" --set "io.output=$SCRATCH/ingest" --set ingest.shard_cost=4 \
  --set run.threads=1 --set video.frames_per_clip=4 > /dev/null 2>&1
CF_CAPTION_FIXTURE="$SCRATCH/ingest $SCRATCH/segment $SCRATCH/retrieve" \
  "${CF_UNIT_TESTS:-$BUILD/tests/cf_unit_tests}" --gtest_filter=CaptionFixture.WritesUpstreamShards > /dev/null
cap=(--set "io.input=$SCRATCH/retrieve" --set "io.regions=$SCRATCH/segment" --set "io.images=$SCRATCH/ingest" --set run.threads=1)

run_np 2 cf-caption "${cap[@]}" --set "io.output=$SCRATCH/reference" > "$SCRATCH/ref.json" 2> /dev/null
cat "$SCRATCH/ref.json"
"$BUILD/jobs/cf-caption" "${cap[@]}" --set "io.output=$SCRATCH/one_rank" > /dev/null 2>&1

OUT="$SCRATCH/killed"
kill_midway cf-caption "$OUT" "${cap[@]}" --set debug.item_delay_ms=120
run_np 2 cf-caption "${cap[@]}" --set "io.output=$OUT" > "$SCRATCH/resumed.json" 2> /dev/null
cat "$SCRATCH/resumed.json"
$PY "$SRC/tests/py/compare_outputs.py" "$SCRATCH/reference" "$OUT" "$SCRATCH/one_rank"

$PY - "$SCRATCH/retrieve" "$OUT" "$SRC/tests/py" <<'PYEOF'
import json, sys
sys.path.insert(0, sys.argv[3])
import shards
ids = [i for p in shards.shard_paths(sys.argv[1]) for i in shards.read_shard(p)[1]["items"]["item_id"]]
seen = []
for p in shards.shard_paths(sys.argv[2]):
    _, t = shards.read_shard(p)
    seen += t["items"]["item_id"] + t["failures"]["item_id"]
    it = t["items"]
    for k in range(len(it["item_id"])):
        raw, fine = it["raw_caption"][k].decode(), it["fine_caption"][k].decode()
        assert raw.startswith("A daytime") or raw.startswith("A nighttime"), raw
        assert fine.startswith(raw), (raw, fine)
        objs = json.loads(it["objects"][k])
        assert all(set(o) == {"label", "box", "kb_name"} and o["label"] != "unknown" for o in objs), objs
        assert it["backend"][k] == b"structured"
        assert (it["clip_id"][k] != b"") == (b"#clip" in it["item_id"][k])
assert sorted(seen) == sorted(ids) and len(set(seen)) == len(seen), "items not exactly once"
print(f"caption: {len(ids)} items exactly once")
PYEOF

# Loopback OpenAI-compatible mock: canned replies; HTTP 500 whenever the request mentions
# FAIL_WORD; the Authorization header of every request is appended to SCRATCH/auth.txt.
cat > "$SCRATCH/mock.py" <<'PYEOF'
import http.server, json, sys
fail_word, auth_log = sys.argv[2], sys.argv[3]
ANN = {"weather": "N/A", "lighting": "Daytime (diffused light)", "road_conditions": "Dry asphalt",
       "traffic_light": "No traffic light", "traffic_sign": "No traffic signs", "additional_traffic_rules": "N/A",
       "road_type": "Local street", "junction_type": "Straight segment", "lane_type": "Single lane each direction",
       "additional_map_rules": None, "interactive_expanded_metaaction": "Yield to VRUs",
       "safety_analysis": "A pedestrian is ahead.", "driving_difficulty": "2", "rule_violation": "False",
       "interesting_scenario": True}
QA = {"qa": [{"task": "coda", "kind": "driving_suggestion", "question": "What should the ego car do?", "answer": "Slow down."},
             {"task": "coda", "kind": "telepathy", "question": "q", "answer": "a"}]}
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        with open(auth_log, "a") as f: f.write(self.headers.get("Authorization", "") + "\n")
        if fail_word and fail_word in body:
            self.send_response(500); self.end_headers(); self.wfile.write(b"boom"); return
        text = json.loads(body)["messages"][-1]["content"]
        text = text if isinstance(text, str) else text[0]["text"]
        if "Annotate the clip" in text: content = "```json\n" + json.dumps(ANN) + "\n```"
        elif "question-answer pairs" in text: content = "Here you go: " + json.dumps(QA)
        else: content = "A mock caption."
        out = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                          "usage": {"prompt_tokens": 10, "completion_tokens": 3}}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out))); self.end_headers(); self.wfile.write(out)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(srv.server_address[1], flush=True)
srv.serve_forever()
PYEOF
start_mock() {  # start_mock FAIL_WORD -> MOCK_PORT, MOCK_PID
  $PY "$SCRATCH/mock.py" 0 "$1" "$SCRATCH/auth.txt" > "$SCRATCH/port.txt" &
  MOCK_PID=$!
  for _ in $(seq 1 100); do [ -s "$SCRATCH/port.txt" ] && break; sleep 0.05; done
  MOCK_PORT=$(cat "$SCRATCH/port.txt")
}
export CF_TEST_KEY="sk-mock-key-7777"

# openai backend against the mock: items mentioning "loose tire" always get HTTP 500.
start_mock "loose tire"
set +e
run_np 2 cf-caption "${cap[@]}" --set "io.output=$SCRATCH/openai" --set caption.backend=openai \
  --set "net.base_url=http://127.0.0.1:$MOCK_PORT/v1" --set net.api_key_env=CF_TEST_KEY --set net.max_retries=1 \
  --set net.backoff_ms=10 --set log.level=trace > "$SCRATCH/openai.json" 2> "$SCRATCH/openai.log"
rc=$?
set -e
kill "$MOCK_PID"
[ "$rc" -eq 0 ] || { cat "$SCRATCH/openai.log"; exit 1; }
cat "$SCRATCH/openai.json"
! grep -q "$CF_TEST_KEY" "$SCRATCH/openai.log" || { echo "API key leaked into the log"; exit 1; }
grep -q "Bearer $CF_TEST_KEY" "$SCRATCH/auth.txt"
$PY - "$SCRATCH/retrieve" "$SCRATCH/openai" "$SCRATCH/openai.json" "$SRC/tests/py" <<'PYEOF'
import json, sys
sys.path.insert(0, sys.argv[4])
import shards
ids = [i for p in shards.shard_paths(sys.argv[1]) for i in shards.read_shard(p)[1]["items"]["item_id"]]
seen, ok, tokens = [], 0, 0
for p in shards.shard_paths(sys.argv[2]):
    _, t = shards.read_shard(p)
    it = t["items"]
    seen += it["item_id"] + t["failures"]["item_id"]
    ok += len(it["item_id"])
    tokens += int(sum(it["prompt_tokens"]))
    assert all(r.endswith(b"after 2 attempts: HTTP 500: boom") for r in t["failures"]["reason"]), t["failures"]["reason"]
    assert all(c == b"A mock caption." for c in it["raw_caption"] + it["fine_caption"])
s = json.loads(open(sys.argv[3]).read())
assert sorted(seen) == sorted(ids) and len(set(seen)) == len(seen)
assert 0 < s["items_failed"] < len(ids) and s["items_ok"] == ok, s
assert s["prompt_tokens"] == tokens == 20 * ok and s["completion_tokens"] == 6 * ok, s
print(f"caption openai: {ok} ok, {s['items_failed']} failed with reasons, tokens {tokens}")
PYEOF

# A missing upstream shard is an error naming it.
rm "$SCRATCH/segment/shard-000001.h5"
set +e
run_np 2 cf-caption "${cap[@]}" --set "io.output=$SCRATCH/broken" > /dev/null 2> "$SCRATCH/err.txt"
rc=$?
set -e
[ "$rc" -ne 0 ] && grep -q "segment/shard-000001.h5" "$SCRATCH/err.txt" || { echo "missing shard not named:"; cat "$SCRATCH/err.txt"; exit 1; }
echo "caption_resume: OK"
