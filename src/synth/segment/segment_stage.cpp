#include "synth/segment/segment_stage.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <utility>
#include <thread>

#include <opencv2/imgcodecs.hpp>
#include <spdlog/spdlog.h>

#include "core/error.h"
#include "job/shard_map.h"
#include "synth/segment/segmenter.h"

namespace cf::segment {
namespace {

struct ItemResult {
  std::vector<Region> regions;
  int64_t width = 0, height = 0;
};

// Decodes one ingest row and segments it; throws with a reason naming what went wrong.
ItemResult segment_item(Segmenter& seg, const Table& in, size_t row, int64_t max_regions) {
  const std::string& jpeg = in.bytes("image")[row];
  const cv::Mat buf(1, static_cast<int>(jpeg.size()), CV_8UC1, const_cast<char*>(jpeg.data()));
  cv::Mat img = jpeg.empty() ? cv::Mat() : cv::imdecode(buf, cv::IMREAD_COLOR);
  if (img.empty()) throw Error("image column does not decode (" + std::to_string(jpeg.size()) + " bytes)");
  ItemResult r;
  r.width = img.cols;
  r.height = img.rows;
  std::vector<Region> found = seg.segment(img);
  // Largest first; ties by position of the first pixel (deterministic for any backend order).
  std::vector<std::pair<int64_t, uint32_t>> key;  // (-area, first run) per region
  for (const Region& reg : found) key.emplace_back(-rle_area(reg.rle), reg.rle.counts.front());
  std::vector<size_t> order(found.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key[a] < key[b]; });
  for (size_t i : order) r.regions.push_back(std::move(found[i]));
  if (max_regions > 0 && static_cast<int64_t>(r.regions.size()) > max_regions)
    r.regions.resize(static_cast<size_t>(max_regions));
  return r;
}

Shard make_shard(const Table& in, const std::vector<ItemResult>& results, const std::vector<std::string>& reasons) {
  Shard out;
  std::vector<std::string> ids, sources, clips, rle;
  std::vector<int64_t> width, height, nreg, item_row, region_id, bx, by, bw, bh, area;
  std::vector<float> piou, stab;
  for (size_t i = 0; i < results.size(); ++i) {
    const std::string& id = in.bytes("item_id")[i];
    const std::string& source = in.bytes("source")[i];
    if (!reasons[i].empty()) {
      spdlog::warn("{}: {}", id, reasons[i]);
      out.failures.push_back({id, source, "segment", reasons[i], "error"});
      continue;
    }
    const ItemResult& r = results[i];
    const int64_t row = static_cast<int64_t>(ids.size());
    ids.push_back(id);
    sources.push_back(source);
    clips.push_back(in.bytes("clip_id")[i]);
    width.push_back(r.width);
    height.push_back(r.height);
    nreg.push_back(static_cast<int64_t>(r.regions.size()));
    for (const Region& reg : r.regions) {
      const auto b = rle_bbox(reg.rle);
      item_row.push_back(row);
      region_id.push_back(static_cast<int64_t>(&reg - r.regions.data()));  // index within the item
      rle.push_back(rle_to_string(reg.rle));
      bx.push_back(b[0]), by.push_back(b[1]), bw.push_back(b[2]), bh.push_back(b[3]);
      area.push_back(rle_area(reg.rle));
      piou.push_back(reg.predicted_iou);
      stab.push_back(reg.stability_score);
    }
  }
  out.items.put_bytes("item_id", std::move(ids));
  out.items.put_bytes("source", std::move(sources));
  out.items.put_bytes("clip_id", std::move(clips));
  out.items.put_i64("width", std::move(width));
  out.items.put_i64("height", std::move(height));
  out.items.put_i64("n_regions", std::move(nreg));
  Table& t = out.tables["regions"];
  t.put_i64("item_row", std::move(item_row));
  t.put_i64("region_id", std::move(region_id));
  t.put_bytes("rle", std::move(rle));
  t.put_i64("box_x", std::move(bx));
  t.put_i64("box_y", std::move(by));
  t.put_i64("box_w", std::move(bw));
  t.put_i64("box_h", std::move(bh));
  t.put_i64("area", std::move(area));
  t.put_f32("predicted_iou", std::move(piou));
  t.put_f32("stability_score", std::move(stab));
  return out;
}

}  // namespace

void declare_segment_config(ConfigSchema& c) {
  cf::declare_shard_map_config(c);  // run.array_index/array_count: job arrays
  declare_segmenter_config(c);
  c.add_int("segment.max_regions", 0, "Keep at most this many regions per image, largest first; 0 = all", 0, 1e6);
  c.add_int("debug.item_delay_ms", 0, "Sleep per item (tests use it to kill a run midway)", 0, 60000);
}

bool segment_needs_torch(const Config& cfg) { return cfg.get_string("segment.backend") == "sam"; }

StageCounts run_segment(JobContext& ctx) {
  cv::setNumThreads(1);  // parallelism comes from ranks and the per-item thread loop
  const int threads = job_threads(ctx);
  auto seg = make_segmenter(ctx.config, threads);  // before any shard: config errors fail fast
  const int item_threads = seg->thread_safe() ? threads : 1;
  const int64_t delay_ms = ctx.config.get_int("debug.item_delay_ms");
  const int64_t max_regions = ctx.config.get_int("segment.max_regions");
  cf::ShardMapSpec spec;
  spec.stage = "segment";
  spec.process = [&](const JobContext&, const cf::ShardInputs& inputs, Progress& progress) {
    const Table& in = inputs.input.items;
    const size_t n = in.rows();
    std::vector<ItemResult> results(n);
    std::vector<std::string> reasons(n);
    // Chunks so that progress (MPI, main thread only) advances during a shard.
    const size_t chunk = static_cast<size_t>(std::max(1, item_threads)) * 4;
    for (size_t begin = 0; begin < n; begin += chunk) {
      const size_t m = std::min(chunk, n - begin);
      auto part = cf::for_each_item(m, item_threads, [&](size_t k) {
        if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        results[begin + k] = segment_item(*seg, in, begin + k, max_regions);
      });
      std::move(part.begin(), part.end(), reasons.begin() + static_cast<std::ptrdiff_t>(begin));
      progress.add(static_cast<int64_t>(m));
    }
    return make_shard(in, results, reasons);  // upstream failures stay in the ingest shards
  };
  return cf::run_shard_map(ctx, spec);
}

}  // namespace cf::segment
