#include "synth/ingest/ingest_stage.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <opencv2/core.hpp>
#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/hash.h"
#include "comm/progress.h"
#include "io/parallel_table.h"
#include "io/schemas.h"
#include "io/shard.h"
#include "io/stage_dir.h"
#include "synth/ingest/decode_entry.h"
#include "synth/ingest/dedupe.h"
#include "synth/ingest/shard_plan.h"

namespace fs = std::filesystem;

namespace cf::ingest {
namespace {

struct Settings {
  std::string root, out, staging;
  ScanOptions scan;
  DecodeOptions decode;
  DedupeOptions dedupe;
  int64_t shard_cost = 64;
  int64_t delay_ms = 0;
  bool keep_staging = false;
  int threads = 1;
};

Settings read_settings(const JobContext& ctx) {
  const Config& c = ctx.config;
  Settings s;
  s.root = c.get_string("io.input");
  s.out = c.get_string("io.output");
  s.staging = s.out + "/.staging";
  s.scan.image_extensions = c.get_strings("ingest.image_extensions");
  s.scan.video_extensions = c.get_strings("ingest.video_extensions");
  s.scan.video_cost_bytes = c.get_int("ingest.video_cost_bytes");
  s.scan.exclude = c.get_strings("ingest.exclude");
  s.shard_cost = c.get_int("ingest.shard_cost");
  s.keep_staging = c.get_bool("ingest.keep_staging");
  s.decode.limits.max_side = static_cast<int>(c.get_int("image.max_side"));
  s.decode.limits.max_pixels = c.get_int("image.max_pixels");
  s.decode.jpeg_quality = static_cast<int>(c.get_int("image.jpeg_quality"));
  s.decode.video.mode = c.get_string("video.mode");
  s.decode.video.fps = c.get_float("video.fps");
  s.decode.video.frames_per_clip = static_cast<int>(c.get_int("video.frames_per_clip"));
  s.decode.video.clip_seconds = c.get_float("video.clip_seconds");
  s.decode.video.max_clips = static_cast<int>(c.get_int("video.max_clips"));
  s.dedupe.exact = c.get_bool("dedupe.exact");
  s.dedupe.near = c.get_bool("dedupe.near");
  s.dedupe.near_max_distance = static_cast<int>(c.get_int("dedupe.near_max_distance"));
  s.delay_ms = c.get_int("debug.item_delay_ms");
  s.threads = job_threads(ctx);
  return s;
}

// Identifies the corpus and every setting that changes shard contents.
std::string plan_hash(const std::vector<ManifestEntry>& m, const Settings& s) {
  Sha256 h;
  for (const auto& e : m) h.add(e.path).add(std::to_string(e.bytes));
  const auto& d = s.decode;
  h.add(std::to_string(s.shard_cost) + "|" + std::to_string(d.limits.max_side) + "|" +
        std::to_string(d.limits.max_pixels) + "|" + std::to_string(d.jpeg_quality) + "|" + d.video.mode + "|" +
        std::to_string(d.video.fps) + "|" + std::to_string(d.video.frames_per_clip) + "|" +
        std::to_string(d.video.clip_seconds) + "|" + std::to_string(d.video.max_clips) + "|" +
        std::to_string(s.dedupe.exact) + std::to_string(s.dedupe.near) + std::to_string(s.dedupe.near_max_distance) +
        "|" + std::to_string(s.scan.video_cost_bytes));
  return h.hex();
}

// Complete and made from this plan? A complete shard of another plan is a fatal error.
bool is_done(const std::string& path, const std::string& hash) {
  ShardStatus st = shard_status(path);
  if (!st.complete) return false;
  if (st.meta.value("plan_hash", "") != hash)
    throw Error("'" + path +
                "' was made from a different corpus or ingest settings; use a new "
                "io.output, or delete the old one to start over");
  return true;
}

void write_manifest(const JobContext& ctx, const Settings& s, const std::vector<ManifestEntry>& m,
                    const std::vector<ShardRange>& shards, const std::string& hash) {
  std::vector<std::string> path;
  std::vector<int64_t> kind, bytes, cost, shard;
  for (const auto& e : m) {
    path.push_back(e.path);
    kind.push_back(static_cast<int64_t>(e.kind));
    bytes.push_back(e.bytes);
    cost.push_back(e.cost);
  }
  for (const auto& r : shards) shard.insert(shard.end(), r.end - r.begin, r.index);
  Table t;
  t.put_bytes("path", std::move(path));
  t.put_i64("kind", std::move(kind));
  t.put_i64("bytes", std::move(bytes));
  t.put_i64("cost", std::move(cost));
  t.put_i64("shard", std::move(shard));
  write_table_parallel(s.out + "/manifest.h5", ctx.mpi.comm(), t,
                       {{"plan_hash", hash}, {"shards", shards.size()}, {"root", s.root}});
}

// Phase A for one shard: decode its entries (threads over entries; order kept).
void stage_shard(const Settings& s, const std::vector<ManifestEntry>& m, const ShardRange& r, const std::string& hash,
                 Progress& progress, MetricsSink& metrics) {
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t n = r.end - r.begin;
  std::vector<DecodedEntry> results(static_cast<size_t>(n));
#pragma omp parallel for schedule(dynamic, 1) num_threads(s.threads)
  for (int64_t i = 0; i < n; ++i) {
    if (s.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(s.delay_ms));
    results[i] = decode_entry(s.root, m[r.begin + i], r.begin + i, s.decode);
  }
  Shard shard;
  shard.stage = "ingest";
  std::vector<IngestRow> rows;
  for (auto& d : results) {
    for (auto& row : d.rows) rows.push_back(std::move(row));
    if (d.failure) shard.failures.push_back(*d.failure);
  }
  for (const auto& f : shard.failures) spdlog::warn("{}: {}", f.item_id, f.reason);
  shard.items = rows_to_table(rows);
  shard.meta = {{"plan_hash", hash},
                {"shard", r.index},
                {"manifest_begin", r.begin},
                {"manifest_end", r.end},
                {"phase", "staging"}};
  write_shard(s.staging + "/" + shard_file_name(r.index), shard);
  progress.add(n);
  metrics.write({{"stage", "ingest"},
                 {"phase", "decode"},
                 {"shard", r.index},
                 {"files", n},
                 {"rows", rows.size()},
                 {"failures", shard.failures.size()},
                 {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}});
}

// Dedupe units of one staged shard, serialized for the exchange between ranks.
nlohmann::json shard_units(const Table& t) {
  nlohmann::json units = nlohmann::json::array();
  std::map<std::string, size_t> pos;
  for (size_t i = 0; i < t.rows(); ++i) {
    const std::string& clip = t.bytes("clip_id")[i];
    const std::string id = clip.empty() ? t.bytes("item_id")[i] : clip;
    auto [it, fresh] = pos.emplace(id, units.size());
    if (fresh)
      units.push_back(
          {{"id", id}, {"clip", !clip.empty()}, {"h", nlohmann::json::array()}, {"p", nlohmann::json::array()}});
    units[it->second]["h"].push_back(t.bytes("content_hash")[i]);
    units[it->second]["p"].push_back(static_cast<uint64_t>(t.i64("phash")[i]));
  }
  return units;
}

// Phase B: every rank ends with the same decisions for every unit id.
std::map<std::string, DedupeDecision> decide_duplicates(const JobContext& ctx, const Settings& s,
                                                        const std::vector<int64_t>& mine) {
  nlohmann::json local = nlohmann::json::object();
  for (int64_t idx : mine)
    local[std::to_string(idx)] = shard_units(read_shard(s.staging + "/" + shard_file_name(idx)).items);
  std::map<int64_t, nlohmann::json> by_shard;
  const auto packed = nlohmann::json::to_msgpack(local);
  for (const auto& part : ctx.mpi.allgather(std::string(packed.begin(), packed.end()))) {
    const auto shards = nlohmann::json::from_msgpack(part);
    for (const auto& [k, v] : shards.items()) by_shard[std::stoll(k)] = v;
  }
  std::vector<DedupeUnit> units;
  for (auto& [idx, list] : by_shard)
    for (auto& u : list)
      units.push_back(
          {u["id"], u["clip"], u["h"].get<std::vector<std::string>>(), u["p"].get<std::vector<uint64_t>>()});
  auto decisions = dedupe(units, s.dedupe);
  std::map<std::string, DedupeDecision> out;
  for (size_t i = 0; i < units.size(); ++i)
    if (!decisions[i].keep) out[units[i].id] = decisions[i];
  return out;
}

}  // namespace

void declare_ingest_config(ConfigSchema& c) {
  c.add_strings("ingest.image_extensions", {"jpg", "jpeg", "png", "bmp", "webp"},
                "Image file extensions (case-insensitive)");
  c.add_strings("ingest.video_extensions", {"mp4", "mov", "mkv", "avi"}, "Video file extensions (case-insensitive)");
  c.add_strings("ingest.exclude", {"masks/*", "*/masks/*"},
                "Paths to skip (shell patterns on the relative path; '*' also matches '/'). "
                "The default skips ground-truth mask folders such as cf-scenegen's");
  c.add_int("ingest.shard_cost", 64, "Cost units per shard (1 per image)", 1, 1e9);
  c.add_int("ingest.video_cost_bytes", 50000, "One cost unit per this many bytes of video", 1, 1e12);
  c.add_bool("ingest.keep_staging", false, "Keep <output>/.staging after a complete run");
  c.add_int("image.max_side", 640, "Longest side of stored images, pixels", 16, 16384);
  c.add_int("image.max_pixels", 100000000, "Refuse sources with more pixels than this", 1, 1e12);
  c.add_int("image.jpeg_quality", 90, "JPEG quality of stored images", 1, 100);
  c.add_string("video.mode", "uniform", "Frame sampling: uniform (K per clip) or fps", {"uniform", "fps"});
  c.add_float("video.fps", 2.0, "Frames per second (mode fps)", 0.01, 1000);
  c.add_int("video.frames_per_clip", 8, "Frames per clip (mode uniform)", 1, 1024);
  c.add_float("video.clip_seconds", 10.0, "Clip length, seconds", 0.1, 86400);
  c.add_int("video.max_clips", 0, "Clips per video at most; 0 = all", 0, 1e9);
  c.add_bool("dedupe.exact", true, "Drop units with identical pixels");
  c.add_bool("dedupe.near", true, "Drop near-duplicates by perceptual hash");
  c.add_int("dedupe.near_max_distance", 5, "Max perceptual-hash Hamming distance of near duplicates", 0, 32);
  c.add_int("debug.item_delay_ms", 0, "Sleep per item (tests use it to kill a run midway)", 0, 60000);
}

StageCounts run_ingest(JobContext& ctx) {
  const Settings s = read_settings(ctx);
  const auto& mpi = ctx.mpi;
  media::set_decoder_pixel_limit(s.decode.limits.max_pixels);
  cv::setNumThreads(1);  // parallelism comes from ranks and the per-shard thread loop

  std::string packed;
  if (mpi.is_root()) packed = serialize(scan_corpus(s.root, s.scan));
  const auto manifest = deserialize(mpi.broadcast(packed));
  const auto shards = plan_shards(manifest, s.shard_cost);
  const std::string hash = plan_hash(manifest, s);
  if (mpi.is_root()) spdlog::info("{} files ({} shards) under '{}'", manifest.size(), shards.size(), s.root);
  write_manifest(ctx, s, manifest, shards, hash);
  if (mpi.is_root()) write_stage_plan(s.out, {"ingest", static_cast<int64_t>(shards.size()), hash});

  const auto mine = assign_shards(shards, mpi.rank(), mpi.world());
  std::vector<int64_t> todo;
  for (int64_t idx : mine)
    if (!is_done(s.out + "/" + shard_file_name(idx), hash)) todo.push_back(idx);
  StageCounts counts;
  counts.shards_skipped = static_cast<int64_t>(mine.size() - todo.size());
  if (mpi.allreduce_sum(static_cast<int64_t>(todo.size())) == 0) return counts;  // all complete

  // Phase A
  std::error_code ec;
  fs::create_directories(s.staging, ec);  // every rank: idempotent, no ordering needed
  std::vector<int64_t> to_stage;
  int64_t files = 0;
  for (int64_t idx : mine)
    if (!is_done(s.staging + "/" + shard_file_name(idx), hash)) {
      to_stage.push_back(idx);
      files += shards[idx].end - shards[idx].begin;
    }
  spdlog::info("{} of {} shards are mine; {} to decode, {} to write", mine.size(), shards.size(), to_stage.size(),
               todo.size());
  Progress progress(mpi, "ingest", mpi.allreduce_sum(files));
  for (int64_t idx : to_stage) stage_shard(s, manifest, shards[idx], hash, progress, ctx.metrics);
  progress.finish();

  // Phase B
  const auto dropped = decide_duplicates(ctx, s, mine);

  // Phase C
  int64_t exact = 0, near = 0, frames = 0;
  for (int64_t idx : todo) {
    Shard st = read_shard(s.staging + "/" + shard_file_name(idx));
    const Table& t = st.items;
    std::vector<size_t> keep;
    std::map<std::string, const DedupeDecision*> dups;  // unit id -> decision, in this shard
    for (size_t i = 0; i < t.rows(); ++i) {
      const std::string& clip = t.bytes("clip_id")[i];
      const std::string id = clip.empty() ? t.bytes("item_id")[i] : clip;
      auto it = dropped.find(id);
      if (it == dropped.end()) keep.push_back(i);
      else dups.emplace(id, &it->second);
    }
    Shard out;
    out.stage = "ingest";
    out.items = t.select(keep);
    out.failures = st.failures;
    counts.items_failed += static_cast<int64_t>(st.failures.size());
    for (const auto& [id, d] : dups) {
      const std::string source = id.substr(0, id.rfind("#clip") == std::string::npos ? id.size() : id.rfind("#clip"));
      out.failures.push_back({id, source, "ingest", d->reason, "duplicate"});
      (d->reason.rfind("exact", 0) == 0 ? exact : near) += 1;
    }
    for (size_t i : keep) frames += t.bytes("clip_id")[i].empty() ? 0 : 1;
    out.meta = st.meta;
    out.meta["phase"] = "final";
    check_stage_shard(out, s.out + "/" + shard_file_name(idx));  // the declared columns (io/schemas)
    write_shard(s.out + "/" + shard_file_name(idx), out);
    counts.items_ok += static_cast<int64_t>(keep.size());
    counts.shards_done += 1;
  }
  counts.extra = {{"files", static_cast<int64_t>(mpi.is_root() ? manifest.size() : 0)},
                  {"frames", frames},
                  {"exact_duplicates", exact},
                  {"near_duplicates", near}};
  mpi.barrier();
  if (mpi.is_root() && !s.keep_staging) fs::remove_all(s.staging);
  return counts;
}

}  // namespace cf::ingest
