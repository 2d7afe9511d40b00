#!/usr/bin/env bash
# cf-qa (builtin) on 2 ranks over structured captions of fixture upstream shards: kill -9 one
# rank midway, re-run -> every caption item exactly once (items or failures), output equal to
# an uninterrupted run and a 1-rank run; one Cosmos annotation per clip (15 keys) on its first
# frame; closed answers match the retrieved regions; a missing upstream shard is named.
source "$(dirname "$0")/common.sh"
"$BUILD/jobs/cf-scenegen" --set "io.output=$SCRATCH/corpus" --set scenegen.images=12 --set scenegen.clips=2 \
  --set scenegen.width=320 --set scenegen.height=180 > /dev/null 2>&1
run_np 2 cf-ingest --set "io.input=$SCRATCH/corpus" --set "io.output=$SCRATCH/ingest" --set ingest.shard_cost=4 \
  --set run.threads=1 --set video.frames_per_clip=3 > /dev/null 2>&1
CF_CAPTION_FIXTURE="$SCRATCH/ingest $SCRATCH/segment $SCRATCH/retrieve" \
  "${CF_UNIT_TESTS:-$BUILD/tests/cf_unit_tests}" --gtest_filter=CaptionFixture.WritesUpstreamShards > /dev/null
run_np 2 cf-caption --set "io.input=$SCRATCH/retrieve" --set "io.regions=$SCRATCH/segment" \
  --set "io.images=$SCRATCH/ingest" --set "io.output=$SCRATCH/caption" > /dev/null 2>&1
qa=(--set "io.input=$SCRATCH/caption" --set "io.retrieve=$SCRATCH/retrieve" --set run.threads=1)

run_np 2 cf-qa "${qa[@]}" --set "io.output=$SCRATCH/reference" > "$SCRATCH/ref.json" 2> /dev/null
cat "$SCRATCH/ref.json"
"$BUILD/jobs/cf-qa" "${qa[@]}" --set "io.output=$SCRATCH/one_rank" > /dev/null 2>&1

OUT="$SCRATCH/killed"
kill_midway cf-qa "$OUT" "${qa[@]}" --set debug.item_delay_ms=120
run_np 2 cf-qa "${qa[@]}" --set "io.output=$OUT" > "$SCRATCH/resumed.json" 2> /dev/null
cat "$SCRATCH/resumed.json"
$PY "$SRC/tests/py/compare_outputs.py" "$SCRATCH/reference" "$OUT" "$SCRATCH/one_rank"

$PY - "$SCRATCH/caption" "$SCRATCH/retrieve" "$OUT" "$SRC/tests/py" <<'PYEOF'
import collections, json, sys
sys.path.insert(0, sys.argv[4])
import shards
ids = [i for p in shards.shard_paths(sys.argv[1]) for i in shards.read_shard(p)[1]["items"]["item_id"]]
labels = {}
for p in shards.shard_paths(sys.argv[2]):
    _, t = shards.read_shard(p)
    r = t["tables/regions"]
    for k, row in enumerate(r["item_row"]):
        labels.setdefault(t["items"]["item_id"][row], []).append(r["label"][k].decode())
seen, clips = [], collections.Counter()
for p in shards.shard_paths(sys.argv[3]):
    _, t = shards.read_shard(p)
    it, qa = t["items"], t["tables/qa"]
    seen += it["item_id"] + t["failures"]["item_id"]
    assert sum(it["n_qa"]) == len(qa["question"])
    for k, iid in enumerate(it["item_id"]):
        ann = it["annotation"][k]
        if ann:
            a = json.loads(ann)
            assert len(a) == 15 and isinstance(a["rule_violation"], bool) and 1 <= a["driving_difficulty"] <= 4, a
            assert iid.endswith(b"/f00"), iid
            clips[it["clip_id"][k]] += 1
        if it["clip_id"][k] and not iid.endswith(b"/f00"):
            assert it["n_qa"][k] == 0 and not ann
    for k, row in enumerate(qa["item_row"]):
        q, a = qa["question"][k].decode(), qa["answer"][k].decode()
        known = [l for l in labels[it["item_id"][row]] if l != "unknown"]
        if qa["kind"][k] == b"count":
            label = next(l for l in set(known) if q == f"How many {l}s are visible in the image?" or q == f"How many {l}es are visible in the image?")
            assert int(a) == known.count(label), (q, a, known)
        if qa["closed"][k] == 0 and qa["kind"][k] != b"region_perception":
            assert qa["box_x"][k] == -1
assert sorted(seen) == sorted(ids) and len(set(seen)) == len(seen), "items not exactly once"
assert len(clips) == 2 and set(clips.values()) == {1}, clips
print(f"qa: {len(ids)} items exactly once, {len(clips)} clip annotations")
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

# openai backend against the mock: open questions validated (a bad kind is rejected and counted),
# closed questions built in, clip annotations repaired (fences, "False", "2", "N/A") and validated.
start_mock ""
run_np 2 cf-qa "${qa[@]}" --set "io.output=$SCRATCH/openai" --set qa.backend=openai \
  --set "net.base_url=http://127.0.0.1:$MOCK_PORT/v1" --set net.api_key_env=CF_TEST_KEY > "$SCRATCH/openai.json" 2> /dev/null
kill "$MOCK_PID"
cat "$SCRATCH/openai.json"
$PY - "$SCRATCH/openai" "$SCRATCH/openai.json" "$SRC/tests/py" <<'PYEOF'
import json, sys
sys.path.insert(0, sys.argv[3])
import shards
s = json.loads(open(sys.argv[2]).read())
anns, openai_rows = 0, 0
for p in shards.shard_paths(sys.argv[1]):
    _, t = shards.read_shard(p)
    qa = t["tables/qa"]
    openai_rows += sum(b == b"openai" for b in qa["source_backend"])
    assert all(k != b"telepathy" for k in qa["kind"])
    for a in t["items"]["annotation"]:
        if a:
            a = json.loads(a)
            anns += 1
            assert a["rule_violation"] is False and a["driving_difficulty"] == 2 and a["additional_traffic_rules"] is None
            assert a["interactive_expanded_metaaction"] == ["Yield to VRUs"]
assert anns == 2 and s["items_failed"] == 0, (anns, s)
assert openai_rows > 0 and s["rejected.entry.enum:kind"] == openai_rows, s
print(f"qa openai: {openai_rows} openai rows, {anns} annotations, rejects counted")
PYEOF

rm "$SCRATCH/retrieve/shard-000002.h5"
set +e
run_np 2 cf-qa "${qa[@]}" --set "io.output=$SCRATCH/broken" > /dev/null 2> "$SCRATCH/err.txt"
rc=$?
set -e
[ "$rc" -ne 0 ] && grep -q "retrieve/shard-000002.h5" "$SCRATCH/err.txt" || { echo "missing shard not named:"; cat "$SCRATCH/err.txt"; exit 1; }
echo "qa_resume: OK"
