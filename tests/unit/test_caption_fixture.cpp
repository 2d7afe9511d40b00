// Upstream fixtures for cf-caption / cf-qa tests until cf-segment and cf-retrieve are used in
// them: from an ingest output, writes segment- and retrieve-schema shards (made-up regions,
// deterministic per item) with plan.json. Run alone it checks itself on a tiny ingest-like
// directory; tests/mpi/caption_*.sh runs it with CF_CAPTION_FIXTURE="INGEST SEGMENT RETRIEVE".
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "io/shard.h"
#include "io/stage_dir.h"

namespace fs = std::filesystem;

namespace {

void write_fixture(const std::string& ingest, const std::string& seg_dir, const std::string& ret_dir) {
  const cf::StagePlan plan = cf::read_stage_plan(ingest);
  fs::create_directories(seg_dir);
  fs::create_directories(ret_dir);
  static const char* labels[] = {"car", "pedestrian", "traffic cone", "loose tire", "unknown", "car"};
  static const char* descs[] = {"A car is a motor vehicle with four wheels.",
                                "A person walking.",
                                "A traffic cone marks a closed lane. It is usually orange.",
                                "A tyre lost by a vehicle; it can cause a crash if hit.",
                                "",
                                ""};
  for (int64_t s = 0; s < plan.shards; ++s) {
    cf::Shard in = cf::read_shard(ingest + "/" + cf::shard_file_name(s));
    cf::Shard seg, ret;
    seg.stage = "segment";
    ret.stage = "retrieve";
    seg.meta = ret.meta = {{"plan_hash", "fixture"}, {"shard", s}};
    const auto& ids = in.items.bytes("item_id");
    std::vector<std::string> src = in.items.bytes("source");
    std::vector<int64_t> s_row, s_id, s_area, r_row, r_id, n_regions, n_known;
    std::vector<float> bx, by, bw, bh, iou, stab, score, rel;
    std::vector<std::string> rle, label, topk, kb, desc;
    for (size_t i = 0; i < ids.size(); ++i) {
      const int64_t w = in.items.i64("width")[i], h = in.items.i64("height")[i];
      const int n = 2 + static_cast<int>(i % 4);
      int known = 0;
      for (int k = 0; k < n; ++k) {
        const int li = static_cast<int>((i + k) % 6);
        s_row.push_back(static_cast<int64_t>(i));
        s_id.push_back(k);
        bx.push_back(float(w) * (0.05f + 0.3f * (k % 3)));
        by.push_back(float(h) * (0.4f + 0.05f * k));
        bw.push_back(float(w) * 0.12f);
        bh.push_back(float(h) * (0.1f + 0.05f * k));
        s_area.push_back(static_cast<int64_t>(bw.back() * bh.back()));
        rle.push_back("{}");
        iou.push_back(0.9f);
        stab.push_back(0.95f);
        r_row.push_back(static_cast<int64_t>(i));
        r_id.push_back(k);
        label.push_back(labels[li]);
        score.push_back(0.3f + 0.1f * k);
        topk.push_back("[]");
        kb.push_back(li == 4 ? "" : labels[li]);
        desc.push_back(descs[li]);
        rel.push_back(li == 3 ? 0.9f : 0.3f);
        known += li != 4;
      }
      n_regions.push_back(n);
      n_known.push_back(known);
    }
    seg.items.put_bytes("item_id", ids);
    seg.items.put_bytes("source", src);
    auto& st = seg.tables["regions"];
    st.put_i64("item_row", s_row);
    st.put_i64("region_id", s_id);
    st.put_bytes("rle", rle);
    st.put_f32("box_x", bx);
    st.put_f32("box_y", by);
    st.put_f32("box_w", bw);
    st.put_f32("box_h", bh);
    st.put_i64("area", s_area);
    st.put_f32("predicted_iou", iou);
    st.put_f32("stability_score", stab);
    ret.items.put_bytes("item_id", ids);
    ret.items.put_bytes("source", src);
    ret.items.put_i64("n_regions", n_regions);
    ret.items.put_i64("n_known", n_known);
    auto& rt = ret.tables["regions"];
    rt.put_i64("item_row", r_row);
    rt.put_i64("region_id", r_id);
    rt.put_bytes("label", label);
    rt.put_f32("score", score);
    rt.put_bytes("top_k", topk);
    rt.put_bytes("kb_name", kb);
    rt.put_bytes("description", desc);
    rt.put_f32("driving_relevance", rel);
    cf::write_shard(seg_dir + "/" + cf::shard_file_name(s), seg);
    cf::write_shard(ret_dir + "/" + cf::shard_file_name(s), ret);
  }
  cf::write_stage_plan(seg_dir, {"segment", plan.shards, "fixture-segment"});
  cf::write_stage_plan(ret_dir, {"retrieve", plan.shards, "fixture-retrieve"});
}

}  // namespace

TEST(CaptionFixture, WritesUpstreamShards) {
  const char* env = std::getenv("CF_CAPTION_FIXTURE");
  if (env) {
    std::istringstream ss(env);
    std::string ingest, seg, ret;
    ss >> ingest >> seg >> ret;
    write_fixture(ingest, seg, ret);
    return;
  }
  const fs::path d = fs::temp_directory_path() / ("cf_caption_fixture_" + std::to_string(getpid()));
  fs::create_directories(d / "ingest");
  cf::Shard in;
  in.stage = "ingest";
  in.items.put_bytes("item_id", {"a.jpg", "b.jpg"});
  in.items.put_bytes("source", {"a.jpg", "b.jpg"});
  in.items.put_i64("width", {640, 640});
  in.items.put_i64("height", {360, 360});
  cf::write_shard((d / "ingest" / cf::shard_file_name(0)).string(), in);
  cf::write_stage_plan((d / "ingest").string(), {"ingest", 1, "x"});
  write_fixture((d / "ingest").string(), (d / "seg").string(), (d / "ret").string());
  cf::Shard r = cf::read_shard((d / "ret" / cf::shard_file_name(0)).string());
  EXPECT_EQ(r.tables.at("regions").rows(), 5u);  // 2 + 3 regions
  EXPECT_EQ(cf::read_stage_plan((d / "seg").string()).shards, 1);
  fs::remove_all(d);
}
