#include "synth/merge/merge_stage.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/hash.h"
#include "comm/progress.h"
#include "io/shard.h"
#include "io/schemas.h"
#include "io/stage_dir.h"
#include "job/assign.h"
#include "synth/common/upstream.h"
#include "synth/merge/llava.h"
#include "synth/merge/stats.h"

namespace fs = std::filesystem;

namespace cf::merge {
namespace {

using json = nlohmann::json;
const std::vector<std::string> kExtra = {"io.caption", "io.retrieve", "io.regions", "io.images"};

std::string part_name(const std::string& what, int64_t idx) {
  char b[64];
  std::snprintf(b, sizeof b, "%s-%06lld", what.c_str(), static_cast<long long>(idx));
  return b;
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw DataError("merge: cannot write '" + tmp + "'");
  }
  fs::rename(tmp, path);
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw DataError("merge: cannot read '" + path + "'");
  return std::string(std::istreambuf_iterator<char>(f), {});
}

std::string settings_hash(const JobContext& ctx, const std::vector<StagePlan>& plans) {
  Sha256 h;
  h.add("merge");
  for (const auto& p : plans) h.add(p.stage).add(p.plan_hash);
  json settings = ctx.config.to_json();
  for (const char* s : {"io", "log", "run", "debug"}) settings.erase(s);
  h.add(settings.dump());
  return h.hex();
}

// Split pre-pass: every rank reads its share of the qa shards; the (hash, samples) of every unit
// are gathered, so each rank computes the same threshold.
SplitChoice decide_split(const JobContext& ctx, const std::vector<std::string>& qa_paths, const MergeOptions& o) {
  std::string mine;
  for (size_t i = static_cast<size_t>(ctx.mpi.rank()); i < qa_paths.size(); i += static_cast<size_t>(ctx.mpi.world()))
    for (const auto& u : count_units(read_shard(qa_paths[i]), o))
      mine += std::to_string(u.hash) + " " + std::to_string(u.samples) + "\n";
  std::vector<UnitCount> units;
  for (const auto& part : ctx.mpi.allgather(mine)) {
    std::istringstream in(part);
    UnitCount u;
    while (in >> u.hash >> u.samples) units.push_back(u);
  }
  return choose_threshold(std::move(units), ctx.config.get_int("merge.eval_size"),
                          ctx.config.get_float("merge.max_eval_fraction"));
}

void write_jsonl(const std::string& path, const std::vector<Sample>& samples) {
  std::string s;
  for (const auto& x : samples) s += llava_record(x).dump() + "\n";
  write_file_atomic(path, s);
}

void write_images(const std::string& llava_dir, const MergedShard& m, const Shard& ingest) {
  const auto rows = synth::index_by_item_id(ingest.items);
  std::set<std::string> done;
  for (const auto* split : {&m.train, &m.eval})
    for (const auto& s : *split)
      for (const auto& id : s.image_ids) {
        if (!done.insert(id).second) continue;
        const fs::path p = fs::path(llava_dir) / llava_image_path(id);
        fs::create_directories(p.parent_path());
        write_file_atomic(p.string(), ingest.items.bytes("image").at(rows.at(id)));
      }
}

// Rank 0, after all shards: OUT/stats.{json,md} from the per-shard parts, OUT/llava/<split>.json
// as one JSON array streamed from the per-shard JSONL parts.
void finish(const std::string& out, int64_t shards, const SplitChoice& split, bool llava) {
  json total = json::object();
  for (int64_t i = 0; i < shards; ++i)
    add_into(total, json::parse(read_file(out + "/parts/" + part_name("stats", i) + ".json")));
  json f = finalize_stats(total);
  f["split"] = {{"units", split.units},
                {"eval_units", split.eval_units},
                {"expected_eval_samples", split.eval_samples},
                {"threshold", split.threshold}};
  write_file_atomic(out + "/stats.json", f.dump(2) + "\n");
  write_file_atomic(out + "/stats.md", stats_markdown(f));
  if (!llava) return;
  for (const std::string split_name : {"train", "eval"}) {
    const std::string path = out + "/llava/" + split_name + ".json";
    {
      std::ofstream o(path + ".tmp", std::ios::binary | std::ios::trunc);
      o << "[";
      bool first = true;
      for (int64_t i = 0; i < shards; ++i) {
        std::ifstream in(out + "/parts/" + part_name("llava-" + split_name, i) + ".jsonl");
        std::string line;
        while (std::getline(in, line)) {
          if (line.empty()) continue;
          o << (first ? "\n" : ",\n") << line;
          first = false;
        }
      }
      o << "\n]\n";
      if (!o) throw DataError("merge: cannot write '" + path + ".tmp'");
    }
    fs::rename(path + ".tmp", path);
  }
}

}  // namespace

void declare_merge_config(ConfigSchema& c) {
  c.add_string("io.caption", "work/caption", "cf-caption output (fine captions), joined by item_id");
  c.add_string("io.retrieve", "work/retrieve", "cf-retrieve output (labels for the class stats, failures)");
  c.add_string("io.regions", "work/segment", "cf-segment output (failures for the stats)");
  c.add_string("io.images", "work/ingest", "cf-ingest output (JPEG bytes, clip frames, failures)");
  c.add_int("merge.eval_size", 500, "Samples in the eval split (about: whole units are added until reached)", 0, 1e12);
  c.add_float("merge.max_eval_fraction", 0.1, "At most this fraction of the units (images, clips) goes to eval", 0, 1);
  c.add_int("merge.seed", 1234, "Seed of the split hash", 0, 9.2e18);
  c.add_bool("merge.caption_samples", true,
             "Add one sample per image with QA: caption_question -> fine caption (task caption)");
  c.add_string("merge.caption_question", "Describe the image in detail.", "Question of the caption samples");
  c.add_bool("merge.annotation_samples", true,
             "Add one multi-image sample per clip: its frames -> Cosmos annotation JSON (task annotation)");
  c.add_bool("merge.llava", true, "Write the LLaVA-format export OUT/llava/{train,eval}.json + images/");
  c.add_int("debug.item_delay_ms", 0, "Sleep per shard item (tests use it to kill a run midway)", 0, 60000);
}

StageCounts run_merge(JobContext& ctx) {
  const Config& c = ctx.config;
  const auto& mpi = ctx.mpi;
  const std::string in = c.get_string("io.input"), out = c.get_string("io.output");
  std::vector<StagePlan> plans{read_stage_plan(in)};
  std::vector<std::vector<std::string>> paths{complete_shards(in, plans[0])};
  for (const auto& key : kExtra) {
    const std::string dir = c.get_string(key);
    plans.push_back(read_stage_plan(dir));
    if (plans.back().shards != plans[0].shards)
      throw ConfigError(key + " '" + dir + "' has " + std::to_string(plans.back().shards) +
                        " shards but io.input has " + std::to_string(plans[0].shards) +
                        ": they are not outputs of the same chain");
    paths.push_back(complete_shards(dir, plans.back()));
  }
  const int64_t shards = plans[0].shards;
  const std::string hash = settings_hash(ctx, plans);
  MergeOptions opt;
  opt.seed = static_cast<uint64_t>(c.get_int("merge.seed"));
  opt.caption_samples = c.get_bool("merge.caption_samples");
  opt.caption_question = c.get_string("merge.caption_question");
  opt.annotation_samples = c.get_bool("merge.annotation_samples");
  const bool llava = c.get_bool("merge.llava");
  const int64_t delay = c.get_int("debug.item_delay_ms");
  opt.split = decide_split(ctx, paths[0], opt);
  if (mpi.is_root()) {
    for (const char* s : {"train", "eval"}) {
      fs::create_directories(out + "/" + s);
      write_stage_plan(out + "/" + s, {"merge", shards, hash});
    }
    fs::create_directories(out + "/parts");
    if (llava) fs::create_directories(out + "/llava/images");
  }
  mpi.barrier();

  std::vector<int64_t> costs;
  for (const auto& p : paths[0]) costs.push_back(std::max<int64_t>(1, shard_status(p).items));
  StageCounts counts;
  std::vector<int64_t> todo;
  int64_t todo_items = 0;
  for (int64_t idx : cf::assign_by_cost(costs, mpi.rank(), mpi.world())) {
    const std::string train = out + "/train/" + shard_file_name(idx), eval = out + "/eval/" + shard_file_name(idx);
    const ShardStatus st = shard_status(train);
    if (st.complete && st.meta.value("plan_hash", "") != hash)
      throw Error("'" + train +
                  "' was made from other inputs or settings; use a new io.output, or delete the old one to start over");
    if (st.complete && shard_status(eval).complete) {
      ++counts.shards_skipped;
    } else {
      todo.push_back(idx);
      todo_items += costs[idx];
    }
  }
  Progress progress(mpi, "merge", mpi.allreduce_sum(todo_items));
  int64_t train_samples = 0, eval_samples = 0;
  for (int64_t idx : todo) {
    const auto t0 = std::chrono::steady_clock::now();
    const Shard qa = read_shard(paths[0][idx]), caption = read_shard(paths[1][idx]),
                retrieve = read_shard(paths[2][idx]), segment = read_shard(paths[3][idx]),
                ingest = read_shard(paths[4][idx]);
    if (delay > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(delay * static_cast<int64_t>(qa.items.rows())));
    MergedShard m = merge_shard({qa, caption, ingest, idx}, opt);
    const json stats = shard_stats(m, {&ingest, &segment, &retrieve, &caption, &qa}, retrieve);
    if (llava) {
      write_images(out + "/llava", m, ingest);
      write_jsonl(out + "/parts/" + part_name("llava-train", idx) + ".jsonl", m.train);
      write_jsonl(out + "/parts/" + part_name("llava-eval", idx) + ".jsonl", m.eval);
    }
    write_file_atomic(out + "/parts/" + part_name("stats", idx) + ".json", stats.dump() + "\n");
    Shard ev = dataset_shard(m.eval, ingest), tr = dataset_shard(m.train, ingest);
    tr.failures = m.failures;
    for (auto* s : {&ev, &tr}) s->meta = {{"plan_hash", hash}, {"shard", idx}, {"generator", "cf-merge"}};
    ev.meta["split"] = "eval";
    tr.meta["split"] = "train";
    check_stage_shard(ev, out + "/eval/" + shard_file_name(idx));  // the declared columns (io/schemas)
    check_stage_shard(tr, out + "/train/" + shard_file_name(idx));
    write_shard(out + "/eval/" + shard_file_name(idx), ev);
    write_shard(out + "/train/" + shard_file_name(idx), tr);  // last: marks the shard done
    train_samples += static_cast<int64_t>(m.train.size());
    eval_samples += static_cast<int64_t>(m.eval.size());
    counts.items_ok += static_cast<int64_t>(m.train.size() + m.eval.size());
    counts.items_failed += static_cast<int64_t>(m.failures.size());
    ++counts.shards_done;
    progress.add(costs[idx]);
    ctx.metrics.write({{"stage", "merge"},
                       {"shard", idx},
                       {"train", m.train.size()},
                       {"eval", m.eval.size()},
                       {"failures", m.failures.size()},
                       {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}});
  }
  progress.finish();
  mpi.barrier();
  if (mpi.is_root()) finish(out, shards, opt.split, llava);
  counts.extra["train_samples"] = train_samples;
  counts.extra["eval_samples"] = eval_samples;
  return counts;
}

}  // namespace cf::merge
