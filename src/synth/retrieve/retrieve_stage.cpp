#include "synth/retrieve/retrieve_stage.h"

#include <chrono>
#include <filesystem>
#include <thread>
#include <fstream>
#include <unordered_map>

#include <omp.h>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "core/hash.h"
#include "io/shard.h"
#include "job/shard_map.h"
#include "synth/retrieve/embedder.h"
#include "synth/retrieve/knowledge_base.h"
#include "synth/retrieve/object_select.h"
#include "synth/common/rle.h"
#include "synth/retrieve/vector_db.h"
#include "synth/retrieve/vote.h"

namespace fs = std::filesystem;

// OpenBLAS (pthread build), under FAISS's flat search; weak: absent with another BLAS.
extern "C" void openblas_set_num_threads(int) __attribute__((weak));

namespace cf::retrieve {
namespace {

struct RegionOut {
  int64_t region_id = 0;
  Naming naming;
  KbMatch kb;
  uint8_t object = 0;  // a distinct, confidently named object (object_select.h)
};

struct Resources {
  VectorDb db;
  KnowledgeBase kb;
  std::unique_ptr<Embedder> embedder;
  std::string fingerprint;  // database content + knowledge base: part of what decides the output
};

Resources load_resources(const Config& cfg) {
  const std::string db_dir = cfg.get_string("retrieve.db");
  const std::string kb_path = cfg.get_string("retrieve.knowledge_base");
  VectorDb db = VectorDb::load(db_dir, static_cast<int>(cfg.get_int("retrieve.ef_search")));
  const auto& meta = db.meta();
  EmbedderOptions eo{meta.value("backend", ""), meta.value("module", "")};
  if (!eo.module.empty()) {
    std::ifstream in(eo.module, std::ios::binary);
    const std::string sha = in ? sha256_hex(std::string((std::istreambuf_iterator<char>(in)), {})) : "";
    if (sha != meta.value("module_sha256", ""))
      throw ConfigError("retrieve.db '" + db_dir + "' was embedded with '" + eo.module +
                        "', which is missing or changed since; rebuild the database");
  }
  auto embedder = make_embedder(eo);
  if (embedder->dim() != db.dim())
    throw ConfigError("retrieve.db '" + db_dir + "' has dimension " + std::to_string(db.dim()) + " but its " +
                      eo.backend + " embedder gives " + std::to_string(embedder->dim()));
  KnowledgeBase kb = KnowledgeBase::load(kb_path);
  std::ifstream kin(kb_path, std::ios::binary);
  Sha256 fp;
  fp.add(meta.value("content_hash", "")).add(std::string((std::istreambuf_iterator<char>(kin)), {}));
  return {std::move(db), std::move(kb), std::move(embedder), fp.hex()};
}

// Refuses to resume into shards made with another database or knowledge base.
void check_existing(const std::string& out, const std::string& fingerprint) {
  std::error_code ec;
  if (!fs::is_directory(out, ec)) return;
  for (const auto& e : fs::directory_iterator(out)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("shard-", 0) != 0 || e.path().extension() != ".h5") continue;
    const ShardStatus st = shard_status(e.path().string());
    if (st.complete && st.meta.value("db_fingerprint", "") != fingerprint)
      throw Error("'" + e.path().string() +
                  "' was made with another retrieve.db or knowledge "
                  "base; use a new io.output, or delete the old one to start over");
  }
}

// cf-segment writes boxes as int64 pixels; other producers (cf-test-gt-regions) as float32.
double box_value(const Table& t, const std::string& col, size_t row) {
  if (!t.has(col)) throw DataError("regions table has no column '" + col + "'");
  const auto& c = t.columns().at(col);
  return c.kind == Table::Kind::I64 ? static_cast<double>(c.i64[row]) : static_cast<double>(t.f32(col)[row]);
}

std::vector<RegionOut> process_item(const Resources& res, const Config& cfg, const cv::Mat& image, const Table& regions,
                                    const std::vector<size_t>& rows) {
  std::vector<RegionOut> out(rows.size());
  std::vector<char> empty(rows.size(), 0);
  std::vector<ObjectCandidate> cands(rows.size());
  std::vector<Region> regs;  // the non-empty regions, in row order
  for (size_t i = 0; i < rows.size(); ++i) {
    const size_t r = rows[i];
    out[i].region_id = regions.i64("region_id")[r];
    const synth::Rle rle = synth::rle_from_string(regions.bytes("rle")[r], image.rows, image.cols);
    Region reg{
        image, synth::rle_decode(rle),
        cv::Rect(static_cast<int>(box_value(regions, "box_x", r)), static_cast<int>(box_value(regions, "box_y", r)),
                 static_cast<int>(std::ceil(box_value(regions, "box_w", r))),
                 static_cast<int>(std::ceil(box_value(regions, "box_h", r))))};
    cands[i].box = region_bounds(reg);
    cands[i].area = synth::rle_area(rle);
    empty[i] = cands[i].box.area() <= 0;  // nothing to look at: named unknown, score 0
    if (!empty[i]) regs.push_back(std::move(reg));
  }
  const auto vectors = res.embedder->embed_all(regs);
  std::vector<float> queries;  // rows x dim; zeros for empty regions
  queries.reserve(rows.size() * res.db.dim());
  for (size_t i = 0, e = 0; i < rows.size(); ++i) {
    if (empty[i]) {
      queries.resize(queries.size() + res.db.dim(), 0.f);
    } else {
      queries.insert(queries.end(), vectors[e].begin(), vectors[e].end());
      ++e;
    }
  }
  // One search thread: parallelism comes from ranks and items. Left alone, FAISS's search (and
  // OpenBLAS under it) spawns a thread team per image: 4x slower on 2 cores (run_retrieve).
  const int saved_threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto nbs = res.db.search(queries, cfg.get_int("retrieve.k"));
  omp_set_num_threads(saved_threads);
  const float min_score = static_cast<float>(cfg.get_float("retrieve.min_score"));
  for (size_t i = 0; i < rows.size(); ++i) {
    out[i].naming = empty[i] ? Naming{kUnknownLabel, 0.f, ""}
                             : name_region(nbs[i], res.db.entries(), cfg.get_string("retrieve.vote"), min_score,
                                           cfg.get_string("retrieve.background_label"),
                                           static_cast<float>(cfg.get_float("retrieve.vote_temperature")));
    out[i].kb = res.kb.lookup(out[i].naming.label);
    cands[i].known = out[i].naming.label != kUnknownLabel;
    cands[i].score = out[i].naming.score;
    cands[i].background = out[i].naming.background;
    cands[i].agreement = out[i].naming.agreement;
  }
  ObjectOptions oo;
  oo.min_score = static_cast<float>(cfg.get_float("retrieve.object_min_score"));
  oo.max_background = static_cast<float>(cfg.get_float("retrieve.object_max_background"));
  oo.min_agreement = static_cast<float>(cfg.get_float("retrieve.object_min_agreement"));
  oo.nms_iou = cfg.get_float("retrieve.object_nms_iou");
  oo.containment = cfg.get_float("retrieve.object_containment");
  const auto keep = select_objects(cands, oo);
  for (size_t i = 0; i < rows.size(); ++i) out[i].object = keep[i];
  return out;
}

}  // namespace

bool retrieve_needs_torch(const Config& cfg) {
  std::ifstream in(fs::path(cfg.get_string("retrieve.db")) / "meta.json");
  if (!in) return false;  // load_resources reports it
  try {
    return nlohmann::json::parse(in).value("backend", "") == "torchscript";
  } catch (const std::exception&) {
    return false;
  }
}

void declare_retrieve_config(ConfigSchema& schema) {
  cf::declare_shard_map_config(schema);  // run.array_index/array_count: job arrays
  schema.add_string("io.images", "work/ingest", "cf-ingest output holding the region's images");
  schema.add_string("retrieve.db", "work/db", "Database directory written by cf-build-db");
  schema.add_string("retrieve.knowledge_base", "configs/knowledge_base.jsonl",
                    "JSONL of {name, aliases[], description, driving_relevance}");
  schema.add_int("retrieve.k", 10, "Neighbours per region (top_k column and vote)", 1, 1000);
  schema.add_string("retrieve.vote", "softmax",
                    "score: label with the largest summed similarity; majority: most neighbours; "
                    "softmax: largest sum of exp((similarity - best) / retrieve.vote_temperature)",
                    {"score", "majority", "softmax"});
  schema.add_float("retrieve.vote_temperature", 0.01,
                   "softmax vote: similarity difference that weighs a neighbour e times less", 1e-4, 10.0);
  schema.add_float("retrieve.min_score", 0.8,
                   "Below this best similarity of the winning label the region is \"unknown object\"", -1.0, 1.0);
  schema.add_string("retrieve.background_label", "background",
                    "Database label of background exemplars (cf-build-db): not a name; their share of "
                    "the neighbours rules a region out of the object column; empty = none");
  schema.add_float("retrieve.object_min_score", 0.94,
                   "object column: named regions at least this similar are object candidates", -1.0, 1.0);
  schema.add_float("retrieve.object_max_background", 0.3,
                   "object column: candidates whose neighbours' similarity is at most this share background", 0.0, 1.0);
  schema.add_float("retrieve.object_min_agreement", 0.9,
                   "object column: candidates whose name has at least this share of the object neighbours' similarity",
                   0.0, 1.0);
  schema.add_float("retrieve.object_nms_iou", 0.5,
                   "object column: box IoU at which the weaker of two candidates is dropped", 0.0, 1.0);
  schema.add_float("retrieve.object_containment", 0.7,
                   "object column: share of the smaller box inside the larger one at which the weaker is dropped", 0.0,
                   1.0);
  schema.add_int("retrieve.ef_search", 64, "HNSW search beam width (HNSW databases only)", 1, 100000);
  schema.add_int("debug.item_delay_ms", 0, "Sleep per item (tests use it to kill a run midway)", 0, 60000);
}

StageCounts run_retrieve(JobContext& ctx) {
  if (openblas_set_num_threads) openblas_set_num_threads(1);  // see process_item
  const Resources res = load_resources(ctx.config);
  check_existing(ctx.config.get_string("io.output"), res.fingerprint);
  int64_t n_regions = 0, n_known = 0;
  cf::ShardMapSpec spec;
  spec.stage = "retrieve";
  spec.extra_inputs = {"io.images"};
  spec.process = [&](const JobContext& c, const cf::ShardInputs& in, Progress& progress) {
    const Shard& seg = in.input;
    const Shard& img = in.more.at("io.images");
    const std::string img_name = shard_file_name(in.index);
    std::unordered_map<std::string, size_t> img_row;
    for (size_t i = 0; i < img.items.rows(); ++i) img_row[img.items.bytes("item_id")[i]] = i;
    static const Table kNoRegions;
    const Table& regions = seg.tables.count("regions") ? seg.tables.at("regions") : kNoRegions;
    const size_t n_items = seg.items.rows();
    std::vector<std::vector<size_t>> rows(n_items);
    for (size_t r = 0; r < regions.rows(); ++r) {
      const int64_t ir = regions.i64("item_row")[r];
      if (ir < 0 || static_cast<size_t>(ir) >= n_items)
        throw DataError("io.input shard " + img_name + ": region row " + std::to_string(r) + " points to item_row " +
                        std::to_string(ir) + " of " + std::to_string(n_items));
      rows[ir].push_back(r);
    }
    std::vector<std::vector<RegionOut>> results(n_items);
    const auto& ids = seg.items.bytes("item_id");
    const auto reasons = cf::for_each_item(n_items, job_threads(c), [&](size_t i) {
      auto it = img_row.find(ids[i]);
      if (it == img_row.end()) throw Error("item not found in io.images shard " + img_name);
      const std::string& jpeg = img.items.bytes("image")[it->second];
      cv::Mat image = cv::imdecode(cv::Mat(1, static_cast<int>(jpeg.size()), CV_8U, const_cast<char*>(jpeg.data())),
                                   cv::IMREAD_COLOR);
      if (image.empty()) throw Error("cannot decode the image of io.images shard " + img_name);
      if (seg.items.has("width") &&
          (seg.items.i64("width")[i] != image.cols || seg.items.i64("height")[i] != image.rows))
        throw Error("segment size " + std::to_string(seg.items.i64("width")[i]) + "x" +
                    std::to_string(seg.items.i64("height")[i]) + " differs from the image's " +
                    std::to_string(image.cols) + "x" + std::to_string(image.rows));
      results[i] = process_item(res, c.config, image, regions, rows[i]);
      if (const int64_t ms = c.config.get_int("debug.item_delay_ms"))
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      progress.add(1);
    });
    Shard out;
    out.meta["db_fingerprint"] = res.fingerprint;
    std::vector<size_t> ok;
    std::vector<int64_t> n_reg, n_kn, n_obj, item_row, region_id, object;
    std::vector<float> score;
    std::vector<std::string> label, top_k, kb_name, kb_how, desc, rel;
    for (size_t i = 0; i < n_items; ++i) {
      if (!reasons[i].empty()) {
        out.failures.push_back({ids[i], seg.items.bytes("source")[i], "retrieve", reasons[i], "error"});
        progress.add(1);
        continue;
      }
      int64_t known = 0, objects = 0;
      for (const auto& r : results[i]) {
        object.push_back(r.object);
        objects += r.object;
        item_row.push_back(static_cast<int64_t>(ok.size()));
        region_id.push_back(r.region_id);
        label.push_back(r.naming.label);
        score.push_back(r.naming.score);
        top_k.push_back(r.naming.top_k);
        kb_name.push_back(r.kb.entry ? r.kb.entry->name : "");
        kb_how.push_back(r.kb.how);
        desc.push_back(r.kb.entry ? r.kb.entry->description : "");
        rel.push_back(r.kb.entry ? r.kb.entry->driving_relevance : "");
        known += r.naming.label != kUnknownLabel;
      }
      ok.push_back(i);
      n_reg.push_back(static_cast<int64_t>(results[i].size()));
      n_kn.push_back(known);
      n_obj.push_back(objects);
    }
    std::vector<std::string> keep_cols{"item_id", "source"};
    if (seg.items.has("clip_id")) keep_cols.push_back("clip_id");
    const Table picked = seg.items.select(ok);
    for (const auto& col : keep_cols) out.items.put_bytes(col, picked.bytes(col));
    out.items.put_i64("n_regions", std::move(n_reg));
    out.items.put_i64("n_known", std::move(n_kn));
    out.items.put_i64("n_objects", std::move(n_obj));
    Table& t = out.tables["regions"];
    t.put_i64("item_row", std::move(item_row));
    t.put_i64("region_id", std::move(region_id));
    t.put_bytes("label", std::move(label));
    t.put_f32("score", std::move(score));
    t.put_i64("object", std::move(object));
    t.put_bytes("top_k", std::move(top_k));
    t.put_bytes("kb_name", std::move(kb_name));
    t.put_bytes("kb_match", std::move(kb_how));
    t.put_bytes("description", std::move(desc));
    t.put_bytes("driving_relevance", std::move(rel));
#pragma omp critical(cf_retrieve_counts)
    {
      n_regions += static_cast<int64_t>(t.rows());
      for (int64_t k : out.items.i64("n_known")) n_known += k;
    }
    return out;
  };
  StageCounts counts = cf::run_shard_map(ctx, spec);
  counts.extra["regions"] = n_regions;
  counts.extra["regions_known"] = n_known;
  return counts;
}

}  // namespace cf::retrieve
