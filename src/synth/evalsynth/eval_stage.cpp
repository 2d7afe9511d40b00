#include "synth/evalsynth/eval_stage.h"

#include <filesystem>
#include <fstream>
#include <map>

#include <toml++/toml.h>

#include "core/error.h"
#include "io/shard.h"
#include "io/stage_dir.h"
#include "synth/common/upstream.h"
#include "synth/evalsynth/item_eval.h"
#include "synth/merge/stats.h"

namespace fs = std::filesystem;

namespace cf::evalsynth {
using synth::ShardIndex;

namespace {

using json = nlohmann::json;

struct Dirs {
  std::string qa, caption, retrieve, regions;
};

// io.input is a cf-merge output (its config.toml names the stage directories) or a cf-qa output
// (then io.caption, io.retrieve and io.regions name the others).
Dirs resolve_dirs(const Config& c) {
  const std::string in = c.get_string("io.input");
  Dirs d{in, c.get_string("io.caption"), c.get_string("io.retrieve"), c.get_string("io.regions")};
  std::ifstream marker(in + "/.cornerforge.json");
  if (marker && json::parse(marker, nullptr, false).value("stage", "") == "merge") {
    const std::string cfg = in + "/config.toml";
    toml::table t;
    try {
      t = toml::parse_file(cfg);
    } catch (const std::exception& e) {
      throw ConfigError("eval-synthesis: cannot read '" + cfg + "': " + e.what());
    }
    auto get = [&](const char* key, std::string& dst) {
      if (!dst.empty()) return;  // an explicit setting wins
      if (auto v = t["io"][key].value<std::string>()) dst = *v;
      else throw ConfigError("eval-synthesis: '" + cfg + "' has no io." + key);
    };
    d.qa.clear();
    get("input", d.qa);
    get("caption", d.caption);
    get("retrieve", d.retrieve);
    get("regions", d.regions);
  }
  for (const auto& [key, v] :
       {std::pair{"io.caption", d.caption}, {"io.retrieve", d.retrieve}, {"io.regions", d.regions}})
    if (v.empty())
      throw ConfigError("eval-synthesis: " + std::string(key) + " is empty and io.input '" + in +
                        "' is not a cf-merge output");
  return d;
}

json eval_shard(const Dirs& d, const std::vector<std::string>& names, size_t i, const std::string& corpus,
                const EvalOptions& o) {
  const Shard seg = read_shard(d.regions + "/" + names[i]), ret = read_shard(d.retrieve + "/" + names[i]),
              cap = read_shard(d.caption + "/" + names[i]), qa = read_shard(d.qa + "/" + names[i]);
  // The upstream reader of every stage (synth/common/upstream): item rows by item_id, side-table rows per item.
  const ShardIndex seg_idx(seg, "regions"), ret_idx(ret, "regions"), cap_idx(cap), qa_idx(qa, "qa");
  json total = json::object();
  for (size_t k = 0; k < seg.items.rows(); ++k) {
    if (seg.items.has("clip_id") && !seg.items.bytes("clip_id")[k].empty()) continue;
    const std::string id = seg.items.bytes("item_id")[k];
    const SceneTruth truth =
        load_truth(corpus, seg.items.bytes("source")[k], static_cast<int>(seg.items.i64("width")[k]),
                   static_cast<int>(seg.items.i64("height")[k]));
    std::map<int64_t, std::string> labels;
    if (const auto r = ret_idx.row(id))
      for (size_t row : ret_idx.side_rows(*r))
        labels[ret_idx.side().i64("region_id")[row]] = ret_idx.side().bytes("label")[row];
    std::vector<RegionIn> regions;
    const Table& sr = seg_idx.side();
    for (size_t n = 0; n < seg_idx.side_rows(k).size(); ++n) {
      const size_t row = seg_idx.side_rows(k)[n];
      const int64_t rid = sr.has("region_id") ? sr.i64("region_id")[row] : static_cast<int64_t>(n);
      regions.push_back({sr.bytes("rle")[row], labels.count(rid) ? labels[rid] : "unknown object"});
    }
    std::vector<std::string> mentioned;
    if (const auto c = cap_idx.row(id))
      for (const auto& obj : json::parse(cap.items.bytes("objects")[*c])) mentioned.push_back(obj.value("label", ""));
    std::vector<std::pair<std::string, std::string>> closed;
    if (const auto q = qa_idx.row(id))
      for (size_t row : qa_idx.side_rows(*q))
        if (qa_idx.side().i64("closed")[row])
          closed.push_back({qa_idx.side().bytes("question")[row], qa_idx.side().bytes("answer")[row]});
    merge::add_into(total, eval_item(truth, regions, mentioned, closed, o));
  }
  return total;
}

}  // namespace

void declare_eval_synthesis_config(ConfigSchema& c) {
  c.add_string("io.caption", "",
               "cf-caption output; empty = from io.input's config.toml when io.input is a cf-merge output");
  c.add_string("io.retrieve", "", "cf-retrieve output; empty = from the cf-merge config");
  c.add_string("io.regions", "", "cf-segment output; empty = from the cf-merge config");
  c.add_string("eval.corpus", "", "cf-scenegen corpus the chain ran on (labels/, masks/)");
  c.add_float("eval.iou", 0.5, "A GT object is found when a region's mask IoU with it is at least this", 0, 1);
  c.add_int("eval.min_area", 1024,
            "GT objects with fewer visible pixels (at the chain's image size) are not counted for recall/naming", 0,
            1e9);
  c.add_int("eval.large_area", 4096, "A caption misses a GT class that has an instance of at least this many pixels", 0,
            1e9);
}

StageCounts run_eval_synthesis(JobContext& ctx) {
  const Config& c = ctx.config;
  const std::string corpus = c.get_string("eval.corpus");
  if (corpus.empty() || !fs::exists(corpus + "/labels"))
    throw ConfigError("eval-synthesis: eval.corpus '" + corpus + "' is not a cf-scenegen corpus (no labels/)");
  const Dirs d = resolve_dirs(c);
  const StagePlan plan = read_stage_plan(d.regions);
  std::vector<std::string> names;
  for (const auto& dir : {d.regions, d.retrieve, d.caption, d.qa}) {
    const StagePlan p = read_stage_plan(dir);
    if (p.shards != plan.shards)
      throw ConfigError("eval-synthesis: '" + dir + "' has " + std::to_string(p.shards) + " shards, '" + d.regions +
                        "' " + std::to_string(plan.shards));
    complete_shards(dir, p);
  }
  for (int64_t i = 0; i < plan.shards; ++i) names.push_back(shard_file_name(i));
  const EvalOptions o{c.get_float("eval.iou"), c.get_int("eval.min_area"), c.get_int("eval.large_area")};
  json mine = json::object();
  StageCounts counts;
  for (size_t i = static_cast<size_t>(ctx.mpi.rank()); i < names.size(); i += static_cast<size_t>(ctx.mpi.world())) {
    merge::add_into(mine, eval_shard(d, names, i, corpus, o));
    ++counts.shards_done;
  }
  json total = json::object();
  for (const auto& part : ctx.mpi.allgather(mine.dump())) merge::add_into(total, json::parse(part));
  const json report = eval_report(total);
  if (ctx.mpi.is_root()) {
    const std::string out = c.get_string("io.output");
    std::ofstream(out + "/report.json") << report.dump(2) << "\n";
    std::ofstream(out + "/report.md") << "# Synthesis chain vs ground truth\n\n" << eval_markdown(report);
    counts.items_ok = report["items"].get<int64_t>();
    for (const char* k :
         {"object_recall", "naming_accuracy", "caption_hallucinated_rate", "caption_missed_rate", "closed_correct"})
      counts.extra[k] = report[k];
    counts.extra["objects"] = report["objects"];
    counts.extra["closed_questions"] = report["closed_questions"];
  }
  return counts;
}

}  // namespace cf::evalsynth
