// cf-test-gt-regions: writes a cf-segment-shaped output directory whose regions are the
// cf-scenegen ground-truth instances (an oracle segmenter), for cf-retrieve's tests and for
// measuring naming accuracy without segmentation errors.
//   cf-test-gt-regions INGEST_DIR CORPUS_DIR OUT_DIR
// Shard i holds the items of ingest shard i: items (item_id, source, clip_id, width, height,
// n_regions) and table regions (item_row, region_id = object id, rle, box_x/y/w/h, area,
// predicted_iou = stability_score = 1). Masks are resized to the ingest image size. Video
// frames get no regions (scenegen clips have boxes but no masks).
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "io/shard.h"
#include "io/stage_dir.h"
#include "synth/common/rle.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: cf-test-gt-regions INGEST_DIR CORPUS_DIR OUT_DIR\n");
    return 2;
  }
  const std::string ingest = argv[1], corpus = argv[2], out = argv[3];
  try {
    const cf::StagePlan plan = cf::read_stage_plan(ingest);
    const auto paths = cf::complete_shards(ingest, plan);
    fs::create_directories(out);
    std::ofstream(fs::path(out) / ".cornerforge.json") << R"({"stage": "segment", "format": "cornerforge-1"})"
                                                       << "\n";
    for (size_t s = 0; s < paths.size(); ++s) {
      const cf::Shard in = cf::read_shard(paths[s]);
      cf::Shard sh;
      sh.stage = "segment";
      sh.meta = {{"plan_hash", "gt-" + plan.plan_hash}, {"shard", s}};
      std::vector<int64_t> w, h, nreg, item_row, region_id, area;
      std::vector<float> bx, by, bw, bhh, one;
      std::vector<std::string> rle;
      for (size_t i = 0; i < in.items.rows(); ++i) {
        const std::string id = in.items.bytes("item_id")[i];
        w.push_back(in.items.i64("width")[i]);
        h.push_back(in.items.i64("height")[i]);
        int64_t n = 0;
        if (in.items.bytes("clip_id")[i].empty()) {
          const fs::path stem = fs::path(id).stem();
          std::ifstream lf(fs::path(corpus) / "labels" / (stem.string() + ".json"));
          const auto label = nlohmann::json::parse(lf);
          cv::Mat ids =
              cv::imread((fs::path(corpus) / label.at("mask").get<std::string>()).string(), cv::IMREAD_UNCHANGED);
          if (ids.empty()) throw std::runtime_error("no mask for " + id);
          ids.convertTo(ids, CV_32S);
          for (const auto& o : label.at("objects")) {
            cv::Mat m = ids == o.at("id").get<int>();
            cv::resize(m, m, cv::Size(static_cast<int>(w.back()), static_cast<int>(h.back())), 0, 0, cv::INTER_NEAREST);
            const cv::Rect b = cv::boundingRect(m);
            if (b.area() == 0) continue;
            item_row.push_back(static_cast<int64_t>(i));
            region_id.push_back(o.at("id").get<int>());
            rle.push_back(cf::synth::rle_to_string(cf::synth::rle_encode(m)));
            bx.push_back(float(b.x));
            by.push_back(float(b.y));
            bw.push_back(float(b.width));
            bhh.push_back(float(b.height));
            area.push_back(cv::countNonZero(m));
            one.push_back(1.f);
            ++n;
          }
        }
        nreg.push_back(n);
      }
      for (const char* c : {"item_id", "source", "clip_id"}) sh.items.put_bytes(c, in.items.bytes(c));
      sh.items.put_i64("width", w);
      sh.items.put_i64("height", h);
      sh.items.put_i64("n_regions", nreg);
      cf::Table& t = sh.tables["regions"];
      t.put_i64("item_row", item_row);
      t.put_i64("region_id", region_id);
      t.put_bytes("rle", rle);
      t.put_f32("box_x", bx);
      t.put_f32("box_y", by);
      t.put_f32("box_w", bw);
      t.put_f32("box_h", bhh);
      t.put_i64("area", area);
      t.put_f32("predicted_iou", one);
      t.put_f32("stability_score", one);
      sh.failures = in.failures;
      cf::write_shard((fs::path(out) / cf::shard_file_name(static_cast<int64_t>(s))).string(), sh);
    }
    cf::write_stage_plan(out, {"segment", plan.shards, "gt-" + plan.plan_hash});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cf-test-gt-regions: %s\n", e.what());
    return 1;
  }
  return 0;
}
