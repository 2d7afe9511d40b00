#include "synth/retrieve/build_db_stage.h"

#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/hash.h"
#include "job/shard_map.h"
#include "synth/retrieve/embedder.h"
#include "synth/retrieve/exemplars.h"
#include "synth/retrieve/proposal_exemplars.h"
#include "synth/retrieve/text_vectors.h"
#include "synth/retrieve/vector_db.h"

namespace fs = std::filesystem;

namespace cf::retrieve {
namespace {

std::string file_sha(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("'" + path + "' cannot be read");
  return sha256_hex(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
}

std::string settings_hash(const Config& cfg) {
  nlohmann::json s = cfg.to_json();
  for (const char* k : {"log", "run"}) s.erase(k);
  s["io"].erase("output");
  Sha256 h;
  h.add(s.dump());
  for (const char* k : {"build_db.labeled", "build_db.text_vectors", "build_db.text_labels", "embed.module"})
    if (!cfg.get_string(k).empty()) h.add(file_sha(cfg.get_string(k)));
  return h.hex();
}

}  // namespace

bool build_db_needs_torch(const Config& cfg) { return cfg.get_string("embed.backend") == "torchscript"; }

void declare_build_db_config(ConfigSchema& schema) {
  schema.add_string("build_db.labeled", "",
                    "JSONL of labeled crops {image, box [x,y,w,h], label, mask?}; paths relative "
                    "to the file; empty = none");
  schema.add_string("build_db.text_vectors", "",
                    "Precomputed text embeddings: JSONL of {label, vector} or a .npy (n x dim); "
                    "empty = none");
  schema.add_string("build_db.text_labels", "", "Labels of a .npy text_vectors, one per line");
  schema.add_string("build_db.labels", "fine",
                    "Names of scenegen objects: class (\"traffic sign\") or fine (signs, animals "
                    "and debris by kind: \"stop sign\", \"deer\", \"tire\")",
                    {"class", "fine"});
  schema.add_int("build_db.min_area", 100, "Scenegen objects with fewer visible pixels are not used as exemplars", 1,
                 1e9);
  schema.add_bool("build_db.proposals", true,
                  "Scenegen input: also index the built-in segmenter's own regions on each image "
                  "(region IoU >= build_db.proposal_iou with an object: its label; background "
                  "regions: build_db.background_label), docs/stages/retrieve.md");
  schema.add_float("build_db.proposal_iou", 0.5, "Mask IoU for a segmenter region to take an object's label", 0.05,
                   1.0);
  schema.add_float("build_db.background_overlap", 0.05,
                   "A segmenter region with at most this share of its pixels on objects is background", 0.0, 1.0);
  schema.add_int("build_db.background_per_image", 20, "Background exemplars per scenegen image at most", 0, 100000);
  schema.add_string("build_db.background_label", "background",
                    "Label of background exemplars (cf-retrieve: retrieve.background_label)");
  schema.add_int("db.flat_max", 10000, "Below this many vectors the index is exact (IndexFlatIP), else IndexHNSWFlat",
                 1, 1e12);
  schema.add_int("db.hnsw_m", 32, "HNSW graph degree", 4, 256);
  schema.add_int("db.hnsw_ef_construction", 80, "HNSW build-time beam width", 8, 4096);
  schema.add_int("db.build_threads", 1, "Threads adding vectors to HNSW; 1 keeps the index bytes identical across runs",
                 1, 1024);
  declare_embed_config(schema);
}

StageCounts run_build_db(JobContext& ctx) {
  const Config& cfg = ctx.config;
  const auto& mpi = ctx.mpi;
  const std::string out = cfg.get_string("io.output"), in = cfg.get_string("io.input");
  const std::string hash = settings_hash(cfg);
  StageCounts counts;
  {
    std::ifstream m(fs::path(out) / "meta.json");
    const auto j = m ? nlohmann::json::parse(m, nullptr, false) : nlohmann::json();
    if (j.is_object() && j.value("settings_hash", "") == hash) {
      counts.shards_skipped = mpi.is_root() ? 1 : 0;
      return counts;
    }
  }
  std::vector<ExemplarImage> units;
  if (!in.empty()) units = scenegen_exemplars(in, cfg.get_int("build_db.min_area"), cfg.get_string("build_db.labels"));
  const size_t n_scenegen = cfg.get_bool("build_db.proposals") ? units.size() : 0;  // units with an instance map
  ProposalOptions po;
  po.positive_iou = cfg.get_float("build_db.proposal_iou");
  po.background_overlap = cfg.get_float("build_db.background_overlap");
  po.max_background = static_cast<int>(cfg.get_int("build_db.background_per_image"));
  po.background_label = cfg.get_string("build_db.background_label");
  if (!cfg.get_string("build_db.labeled").empty()) {
    auto more = labeled_exemplars(cfg.get_string("build_db.labeled"));
    units.insert(units.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }
  TextVectors text;
  if (!cfg.get_string("build_db.text_vectors").empty())
    text = load_text_vectors(cfg.get_string("build_db.text_vectors"), cfg.get_string("build_db.text_labels"));
  if (units.empty() && text.labels.empty())
    throw ConfigError(
        "nothing to index: set io.input (cf-scenegen ground truth), "
        "build_db.labeled or build_db.text_vectors");

  const EmbedderOptions eo{cfg.get_string("embed.backend"), cfg.get_string("embed.module")};
  auto embedder = make_embedder(eo);
  if (!text.labels.empty() && text.dim != embedder->dim())
    throw ConfigError("build_db.text_vectors '" + cfg.get_string("build_db.text_vectors") + "' has dimension " +
                      std::to_string(text.dim) + " but the " + eo.backend + " embedder gives " +
                      std::to_string(embedder->dim()));

  // This rank's units: every world-th one.
  std::vector<size_t> mine;
  for (size_t u = mpi.rank(); u < units.size(); u += mpi.world()) mine.push_back(u);
  std::vector<std::vector<std::vector<float>>> vecs(mine.size());
  std::vector<std::vector<LabeledVector>> extra(mine.size());
  const auto reasons = cf::for_each_item(mine.size(), job_threads(ctx), [&](size_t i) {
    vecs[i] = embed_exemplars(units[mine[i]], *embedder);
    if (mine[i] < n_scenegen) extra[i] = proposal_exemplars(units[mine[i]], *embedder, po);
  });
  nlohmann::json part = nlohmann::json::array();
  for (size_t i = 0; i < mine.size(); ++i) {
    if (!reasons[i].empty()) {
      spdlog::warn("exemplar image '{}' skipped: {}", units[mine[i]].image_path, reasons[i]);
      counts.items_failed += static_cast<int64_t>(units[mine[i]].objects.size());
    } else {
      counts.items_ok += static_cast<int64_t>(vecs[i].size() + extra[i].size());
    }
    nlohmann::json more = nlohmann::json::array();
    for (const auto& e : extra[i]) more.push_back({e.label, e.source, e.vector});
    part.push_back({{"unit", mine[i]}, {"error", reasons[i]}, {"vectors", vecs[i]}, {"proposals", more}});
  }
  std::vector<uint8_t> cbor = nlohmann::json::to_cbor(part);
  auto parts = mpi.gather(std::string(cbor.begin(), cbor.end()));
  if (!mpi.is_root()) return counts;

  // Rank 0: put the units back in global order, then the text vectors.
  std::vector<nlohmann::json> by_unit(units.size());
  for (const auto& p : parts)
    for (auto& r : nlohmann::json::from_cbor(p)) {
      const size_t u = r.at("unit").get<size_t>();
      by_unit[u] = std::move(r);
    }
  const int dim = embedder->dim();
  std::vector<float> all;
  std::vector<DbEntry> entries;
  std::string failures;
  for (size_t u = 0; u < units.size(); ++u) {
    const auto& r = by_unit[u];
    if (!r.at("error").get<std::string>().empty()) {
      for (const auto& o : units[u].objects)
        failures +=
            nlohmann::json{{"source", o.source}, {"image", units[u].image_path}, {"reason", r.at("error")}}.dump() +
            "\n";
      continue;
    }
    const auto& vs = r.at("vectors");
    for (size_t k = 0; k < units[u].objects.size(); ++k) {
      const auto v = vs.at(k).get<std::vector<float>>();
      all.insert(all.end(), v.begin(), v.end());
      entries.push_back({units[u].objects[k].label, units[u].objects[k].source});
    }
    for (const auto& e : r.at("proposals")) {
      const auto v = e.at(2).get<std::vector<float>>();
      all.insert(all.end(), v.begin(), v.end());
      entries.push_back({e.at(0).get<std::string>(), e.at(1).get<std::string>()});
    }
  }
  all.insert(all.end(), text.vectors.begin(), text.vectors.end());
  for (size_t i = 0; i < text.labels.size(); ++i) entries.push_back({text.labels[i], text.sources[i]});
  counts.items_ok += static_cast<int64_t>(text.labels.size());

  nlohmann::json meta{{"backend", eo.backend},
                      {"module", eo.module},
                      {"module_sha256", eo.module.empty() ? "" : file_sha(eo.module)},
                      {"settings_hash", hash},
                      {"image_vectors", entries.size() - text.labels.size()},
                      {"text_vectors", text.labels.size()}};
  DbBuildOptions bo;
  bo.flat_max = cfg.get_int("db.flat_max");
  bo.hnsw_m = static_cast<int>(cfg.get_int("db.hnsw_m"));
  bo.hnsw_ef_construction = static_cast<int>(cfg.get_int("db.hnsw_ef_construction"));
  bo.threads = static_cast<int>(cfg.get_int("db.build_threads"));
  {
    std::ofstream f(fs::path(out) / "failures.jsonl");
    f << failures;
  }
  VectorDb::build(out, all, dim, entries, meta, bo);
  counts.shards_done = 1;
  counts.extra["vectors"] = static_cast<int64_t>(entries.size());
  counts.extra["dim"] = dim;
  spdlog::info("database {}: {} vectors of dimension {} ({})", out, entries.size(), dim,
               choose_index_type(static_cast<int64_t>(entries.size()), bo.flat_max));
  return counts;
}

}  // namespace cf::retrieve
