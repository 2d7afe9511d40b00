#include "synth/caption/caption_stage.h"

#include <chrono>
#include <thread>

#include "core/error.h"
#include "net/net_config.h"
#include "net/openai_client.h"
#include "synth/caption/image_attributes.h"
#include "synth/caption/model_caption.h"
#include "synth/caption/openai_caption.h"
#include "synth/caption/scene_text.h"
#include "job/shard_map.h"

namespace cf::synth {
namespace {

struct Row {
  std::string raw, fine, objects, attributes;
  int64_t prompt_tokens = 0, completion_tokens = 0;
};

struct Totals {
  int64_t prompt_tokens = 0, completion_tokens = 0, requests_failed = 0, retries = 0;
};

Shard make_output(const std::vector<ItemView>& items, const std::vector<Row>& rows,
                  const std::vector<std::string>& reasons, const std::string& backend) {
  Shard out;
  std::vector<std::string> id, src, clip, raw, fine, obj, attr, be;
  std::vector<int64_t> frame, pt, ct, w, h;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!reasons[i].empty()) {
      out.failures.push_back({items[i].item_id, items[i].source, "caption", reasons[i], "error"});
      continue;
    }
    id.push_back(items[i].item_id);
    src.push_back(items[i].source);
    clip.push_back(items[i].clip_id);
    frame.push_back(items[i].frame_index);
    w.push_back(items[i].width);
    h.push_back(items[i].height);
    raw.push_back(rows[i].raw);
    fine.push_back(rows[i].fine);
    obj.push_back(rows[i].objects);
    attr.push_back(rows[i].attributes);
    be.push_back(backend);
    pt.push_back(rows[i].prompt_tokens);
    ct.push_back(rows[i].completion_tokens);
  }
  Table& t = out.items;
  t.put_bytes("item_id", id);
  t.put_bytes("source", src);
  t.put_bytes("clip_id", clip);
  t.put_i64("frame_index", frame);
  t.put_bytes("raw_caption", raw);
  t.put_bytes("fine_caption", fine);
  t.put_bytes("objects", obj);
  t.put_bytes("attributes", attr);
  t.put_bytes("backend", be);
  t.put_i64("width", w);
  t.put_i64("height", h);
  t.put_i64("prompt_tokens", pt);
  t.put_i64("completion_tokens", ct);
  return out;
}

}  // namespace

bool caption_needs_torch(const Config& cfg) { return cfg.get_string("caption.backend") == "model"; }

void declare_caption_config(ConfigSchema& c) {
  cf::declare_shard_map_config(c);  // run.array_index/array_count: job arrays
  cf::declare_device_config(c);     // run.device: the model backend's device
  c.add_string("io.regions", "work/segment", "cf-segment output (region boxes), joined by item_id");
  c.add_string("io.images", "work/ingest", "cf-ingest output (pixels, clip membership), joined by item_id");
  c.add_string("caption.backend", "structured",
               "structured (built-in), openai (OpenAI-compatible server), model (our VLM checkpoint: Model^i)",
               {"structured", "openai", "model"});
  c.add_int("caption.max_objects", 12, "Recognised regions a caption mentions at most", 0, 1000);
  c.add_int("caption.max_description_chars", 300, "Characters of each retrieved description used", 0, 100000);
  c.add_float("caption.night_brightness", 0.25, "Mean grey level (0..1) below which an image counts as night", 0, 1);
  c.add_float("caption.low_contrast", 0.12, "Grey standard deviation (0..1) below which an image is low-contrast", 0,
              1);
  c.add_float("caption.temperature", 0.2, "openai: sampling temperature", 0, 2);
  c.add_int("caption.max_tokens", 400, "openai: completion tokens per request at most", 1, 100000);
  c.add_string("caption.prompt_system", "",
               "openai: system prompt file; empty = shipped configs/prompts/caption_system.txt");
  c.add_string("caption.prompt_raw", "",
               "openai: raw-caption prompt file; empty = shipped configs/prompts/caption_raw.txt");
  c.add_string("caption.prompt_refine", "",
               "openai: refinement prompt file; empty = shipped configs/prompts/caption_refine.txt");
  net::declare_net_config(c);
  declare_model_caption_config(c);
  c.add_int("debug.item_delay_ms", 0, "Sleep per item (tests use it to kill a run midway)", 0, 60000);
}

StageCounts run_caption(JobContext& ctx) {
  const Config& c = ctx.config;
  const std::string backend = c.get_string("caption.backend");
  std::unique_ptr<net::OpenAiClient> client;
  std::unique_ptr<ModelCaptioner> captioner;
  if (backend == "model")
    captioner = make_model_captioner(c, job_threads(ctx), ctx.mpi.local_rank(), ctx.mpi.local_size());
  CaptionPrompts prompts;
  if (backend == "openai") {
    client = std::make_unique<net::OpenAiClient>(net::read_net_options(c));
    prompts = load_caption_prompts(c);
  }
  const size_t max_objects = static_cast<size_t>(c.get_int("caption.max_objects"));
  const size_t max_desc = static_cast<size_t>(c.get_int("caption.max_description_chars"));
  const double night = c.get_float("caption.night_brightness"), low = c.get_float("caption.low_contrast");
  const int64_t delay = c.get_int("debug.item_delay_ms");
  const int threads = job_threads(ctx);
  Totals totals;

  ShardMapSpec spec;
  spec.stage = "caption";
  spec.extra_inputs = {"io.regions", "io.images"};
  spec.process = [&](const JobContext& jc, const ShardInputs& in, Progress& progress) {
    std::vector<std::string> reasons;
    std::vector<ItemView> items =
        join_upstream(in.input, in.more.at("io.regions"), in.more.at("io.images"), in.index, reasons);
    std::vector<Row> rows(items.size());
    std::vector<std::vector<RetrievedRegion>> objects(items.size());
    // Local part (both backends): attributes, objects, structured captions.
    auto local = for_each_item(items.size(), threads, [&](size_t i) {
      if (!reasons[i].empty()) throw Error(reasons[i]);
      if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      const ItemView& v = items[i];
      if (!v.image) throw Error("no image bytes in io.images for this item");
      ImageAttributes a = estimate_attributes(*v.image, night, low);
      objects[i] = caption_objects(v.regions, max_objects);
      size_t unknown = 0;
      for (const auto& r : v.regions) unknown += !r.known();
      rows[i].attributes = a.to_json().dump();
      rows[i].objects = objects_json(objects[i]).dump();
      if (backend == "structured") {
        rows[i].raw = raw_caption(a, objects[i], unknown, v.width, v.height);
        rows[i].fine = fine_caption(rows[i].raw, objects[i], max_desc);
      }
    });
    reasons = local;
    if (backend == "model") {  // raw caption by the model, refined as the structured backend does
      std::vector<size_t> todo;
      std::vector<const std::string*> jpegs;
      for (size_t i = 0; i < items.size(); ++i)
        if (reasons[i].empty()) {
          todo.push_back(i);
          jpegs.push_back(items[i].image);
        }
      const auto got = captioner->caption(jpegs, in.index);
      for (size_t k = 0; k < todo.size(); ++k) {
        Row& r = rows[todo[k]];
        if (!got[k].error.empty()) {
          reasons[todo[k]] = got[k].error;
          continue;
        }
        r.raw = got[k].text;
        r.fine = fine_caption(r.raw, objects[todo[k]], max_desc);
        r.prompt_tokens = got[k].prompt_tokens;
        r.completion_tokens = got[k].completion_tokens;
      }
    }
    if (backend == "openai") {
      std::vector<size_t> todo;
      std::vector<net::ChatRequest> reqs;
      for (size_t i = 0; i < items.size(); ++i)
        if (reasons[i].empty()) {
          todo.push_back(i);
          reqs.push_back(raw_caption_request(prompts, items[i], objects[i]));
        }
      auto res = client->complete_all(reqs);
      std::vector<size_t> todo2;
      reqs.clear();
      for (size_t k = 0; k < todo.size(); ++k) {
        Row& r = rows[todo[k]];
        if (!res[k].ok) {
          reasons[todo[k]] = "openai raw caption: " + res[k].error;
          continue;
        }
        r.raw = res[k].reply.content;
        r.prompt_tokens += res[k].reply.prompt_tokens;
        r.completion_tokens += res[k].reply.completion_tokens;
        todo2.push_back(todo[k]);
        reqs.push_back(refine_request(prompts, r.raw, objects[todo[k]]));
      }
      res = client->complete_all(reqs);
      for (size_t k = 0; k < todo2.size(); ++k) {
        Row& r = rows[todo2[k]];
        if (!res[k].ok) {
          reasons[todo2[k]] = "openai refinement: " + res[k].error;
          continue;
        }
        r.fine = res[k].reply.content;
        r.prompt_tokens += res[k].reply.prompt_tokens;
        r.completion_tokens += res[k].reply.completion_tokens;
      }
    }
    int64_t pt = 0, ct = 0;
    for (size_t i = 0; i < rows.size(); ++i)
      if (reasons[i].empty()) {
        pt += rows[i].prompt_tokens;
        ct += rows[i].completion_tokens;
      }
    totals.prompt_tokens += pt;
    totals.completion_tokens += ct;
    progress.add(static_cast<int64_t>(items.size()));
    jc.metrics.write({{"stage", "caption"},
                      {"shard", in.index},
                      {"backend", backend},
                      {"prompt_tokens", pt},
                      {"completion_tokens", ct}});
    return make_output(items, rows, reasons, backend);
  };
  StageCounts counts = run_shard_map(ctx, spec);
  if (client) {
    const auto u = client->usage();
    totals.requests_failed = u.failed;
    totals.retries = u.retries;
  }
  counts.extra["prompt_tokens"] = totals.prompt_tokens;
  counts.extra["completion_tokens"] = totals.completion_tokens;
  counts.extra["requests_failed"] = totals.requests_failed;
  counts.extra["request_retries"] = totals.retries;
  return counts;
}

}  // namespace cf::synth
