#include "synth/qa/qa_stage.h"

#include <chrono>
#include <thread>

#include "core/error.h"
#include "net/net_config.h"
#include "net/openai_client.h"
#include "job/shard_map.h"
#include "synth/qa/builtin_qa.h"
#include "synth/qa/cosmos_annotation.h"
#include "synth/qa/openai_qa.h"
#include "synth/qa/qa_inputs.h"

namespace cf::synth {
namespace {

struct Result {
  std::vector<QaPair> qa;
  std::string annotation;
  int64_t prompt_tokens = 0, completion_tokens = 0;
};

Shard make_output(const std::vector<QaItem>& items, const std::vector<Result>& res,
                  const std::vector<std::string>& reasons) {
  Shard out;
  std::vector<std::string> id, src, clip, ann, task, kind, q, a, be;
  std::vector<int64_t> nqa, pt, ct, item_row, closed;
  std::vector<float> bx, by, bw, bh;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!reasons[i].empty()) {
      out.failures.push_back({items[i].in.item_id, items[i].source, "qa", reasons[i], "error"});
      continue;
    }
    const int64_t row = static_cast<int64_t>(id.size());
    id.push_back(items[i].in.item_id);
    src.push_back(items[i].source);
    clip.push_back(items[i].in.clip_id);
    ann.push_back(res[i].annotation);
    nqa.push_back(static_cast<int64_t>(res[i].qa.size()));
    pt.push_back(res[i].prompt_tokens);
    ct.push_back(res[i].completion_tokens);
    for (const auto& p : res[i].qa) {
      item_row.push_back(row);
      task.push_back(p.task);
      kind.push_back(p.kind);
      q.push_back(p.question);
      a.push_back(p.answer);
      be.push_back(p.source_backend);
      closed.push_back(p.closed);
      bx.push_back(p.box[0]);
      by.push_back(p.box[1]);
      bw.push_back(p.box[2]);
      bh.push_back(p.box[3]);
    }
  }
  Table& t = out.items;
  t.put_bytes("item_id", id);
  t.put_bytes("source", src);
  t.put_bytes("clip_id", clip);
  t.put_i64("n_qa", nqa);
  t.put_bytes("annotation", ann);
  t.put_i64("prompt_tokens", pt);
  t.put_i64("completion_tokens", ct);
  Table& qt = out.tables["qa"];
  qt.put_i64("item_row", item_row);
  qt.put_bytes("task", task);
  qt.put_bytes("kind", kind);
  qt.put_bytes("question", q);
  qt.put_bytes("answer", a);
  qt.put_f32("box_x", bx);
  qt.put_f32("box_y", by);
  qt.put_f32("box_w", bw);
  qt.put_f32("box_h", bh);
  qt.put_i64("closed", closed);
  qt.put_bytes("source_backend", be);
  return out;
}

}  // namespace

void declare_qa_config(ConfigSchema& c) {
  cf::declare_shard_map_config(c);  // run.array_index/array_count: job arrays
  c.add_string("io.retrieve", "work/retrieve", "cf-retrieve output (every region, descriptions), joined by item_id");
  c.add_string("qa.backend", "builtin", "builtin (templated self-instruct) or openai (OpenAI-compatible server)",
               {"builtin", "openai"});
  c.add_int("qa.seed", 1234, "Seed of the template choices", 0, 9.2e18);
  c.add_int("qa.max_region_questions", 3, "Region-perception questions per item at most", 0, 100);
  c.add_int("qa.max_closed", 6, "Closed questions per item at most", 0, 100);
  c.add_float("qa.dedupe_threshold", 0.7, "Drop an open question whose ROUGE-L F with a kept one exceeds this", 0, 1);
  c.add_strings("qa.absent_labels", {"deer", "horse", "tire", "mattress", "rock", "tree branch"},
                "Candidates of 'is there a X?' questions answered No when no retrieved region has the label "
                "(rarely present things: an unseen small pedestrian would make a No about pedestrians wrong)");
  c.add_bool("qa.count_questions", false,
             "Also ask 'how many Xs are visible?' (answer: distinct confident objects; the built-in "
             "segmenter misses small and occluded instances, so these answers are often too low)");
  c.add_float("qa.temperature", 0.7, "openai: sampling temperature", 0, 2);
  c.add_int("qa.max_tokens", 1500, "openai: completion tokens per request at most", 1, 100000);
  c.add_string("qa.prompt_system", "", "openai: system prompt file; empty = shipped configs/prompts/qa_system.txt");
  c.add_string("qa.prompt_generate", "", "openai: QA prompt file; empty = shipped configs/prompts/qa_generate.txt");
  c.add_string("qa.prompt_annotation", "",
               "openai: clip annotation prompt file; empty = shipped configs/prompts/cosmos_annotation.txt");
  net::declare_net_config(c);
  c.add_int("debug.item_delay_ms", 0, "Sleep per item (tests use it to kill a run midway)", 0, 60000);
}

StageCounts run_qa(JobContext& ctx) {
  const Config& c = ctx.config;
  const std::string backend = c.get_string("qa.backend");
  std::unique_ptr<net::OpenAiClient> client;
  QaPrompts prompts;
  if (backend == "openai") {
    client = std::make_unique<net::OpenAiClient>(net::read_net_options(c));
    prompts = load_qa_prompts(c);
  }
  QaOptions opt;
  opt.seed = static_cast<uint64_t>(c.get_int("qa.seed"));
  opt.max_region_questions = static_cast<size_t>(c.get_int("qa.max_region_questions"));
  opt.max_closed = static_cast<size_t>(c.get_int("qa.max_closed"));
  opt.dedupe_threshold = c.get_float("qa.dedupe_threshold");
  opt.absent_labels = c.get_strings("qa.absent_labels");
  opt.count_questions = c.get_bool("qa.count_questions");
  const int64_t delay = c.get_int("debug.item_delay_ms");
  const int threads = job_threads(ctx);
  std::map<std::string, int64_t> counters;  // rejects, near duplicates, tokens (this rank)

  ShardMapSpec spec;
  spec.stage = "qa";
  spec.extra_inputs = {"io.retrieve"};
  spec.process = [&](const JobContext& jc, const ShardInputs& in, Progress& progress) {
    std::vector<QaItem> items = qa_items(in.input, in.more.at("io.retrieve"), in.index);
    std::vector<Result> res(items.size());
    std::vector<int64_t> dropped(items.size(), 0);
    auto reasons = for_each_item(items.size(), threads, [&](size_t i) {
      if (!items[i].reason.empty()) throw Error(items[i].reason);
      if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      if (!items[i].generate) return;
      std::vector<QaPair> qa = backend == "builtin" ? builtin_open_qa(items[i].in, opt) : std::vector<QaPair>{};
      for (auto& p : closed_qa(items[i].in, opt)) qa.push_back(std::move(p));
      res[i].qa = std::move(qa);
      if (items[i].clip_first && backend == "builtin")
        res[i].annotation = cosmos_json_text(builtin_cosmos_annotation(items[i].in));
    });
    if (backend == "openai") {
      std::vector<size_t> idx;
      std::vector<net::ChatRequest> reqs;
      std::vector<bool> is_ann;
      for (size_t i = 0; i < items.size(); ++i) {
        if (!reasons[i].empty() || !items[i].generate) continue;
        idx.push_back(i);
        reqs.push_back(qa_request(prompts, items[i].in));
        is_ann.push_back(false);
        if (items[i].clip_first) {
          idx.push_back(i);
          reqs.push_back(annotation_request(prompts, items[i].in));
          is_ann.push_back(true);
        }
      }
      auto replies = client->complete_all(reqs);
      for (size_t k = 0; k < idx.size(); ++k) {
        const size_t i = idx[k];
        if (!reasons[i].empty()) continue;
        if (!replies[k].ok) {
          reasons[i] = "openai " + std::string(is_ann[k] ? "annotation" : "qa") + ": " + replies[k].error;
          continue;
        }
        res[i].prompt_tokens += replies[k].reply.prompt_tokens;
        res[i].completion_tokens += replies[k].reply.completion_tokens;
        std::string why;
        if (is_ann[k]) {
          res[i].annotation = parse_annotation_reply(replies[k].reply.content, counters, &why);
          if (res[i].annotation.empty()) reasons[i] = "openai annotation rejected: " + why;
        } else {
          auto open = parse_qa_reply(replies[k].reply.content, counters, &why);
          if (open.empty()) {
            reasons[i] = "openai qa reply rejected: " + why;
            continue;
          }
          open.insert(open.end(), res[i].qa.begin(), res[i].qa.end());  // open first, then closed
          res[i].qa = std::move(open);
        }
      }
    }
    int64_t pt = 0, ct = 0, n_qa = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      if (!reasons[i].empty()) continue;
      res[i].qa = drop_near_duplicates(res[i].qa, opt.dedupe_threshold, &dropped[i]);
      counters["near_duplicates_dropped"] += dropped[i];
      pt += res[i].prompt_tokens;
      ct += res[i].completion_tokens;
      n_qa += static_cast<int64_t>(res[i].qa.size());
    }
    counters["prompt_tokens"] += pt;
    counters["completion_tokens"] += ct;
    counters["qa_pairs"] += n_qa;
    progress.add(static_cast<int64_t>(items.size()));
    jc.metrics.write({{"stage", "qa"},
                      {"shard", in.index},
                      {"backend", backend},
                      {"qa_pairs", n_qa},
                      {"prompt_tokens", pt},
                      {"completion_tokens", ct}});
    return make_output(items, res, reasons);
  };
  StageCounts counts = run_shard_map(ctx, spec);
  for (const char* k : {"qa_pairs", "near_duplicates_dropped", "prompt_tokens", "completion_tokens"})
    counts.extra[k] = counters[k];
  for (const auto& [k, v] : counters)
    if (!counts.extra.contains(k)) counts.extra["rejected." + k] = v;
  if (client) counts.extra["request_retries"] = client->usage().retries;
  return counts;
}

}  // namespace cf::synth
