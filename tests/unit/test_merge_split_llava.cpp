// cf-merge pieces: split determinism and eval sizing, the join of qa/caption/ingest shards into
// samples (tasks, clips as multi-image annotation samples, failures), the dataset shard layout,
// the LLaVA record format and the stats report.
#include <gtest/gtest.h>

#include "core/error.h"
#include "synth/merge/llava.h"
#include "synth/merge/samples.h"
#include "synth/merge/split.h"
#include "synth/merge/stats.h"

using namespace cf::merge;

namespace {

cf::Shard make_ingest(const std::vector<std::string>& ids, const std::vector<std::string>& clips,
                      const std::vector<int64_t>& frames) {
  cf::Shard s;
  std::vector<std::string> jpeg;
  for (const auto& id : ids) jpeg.push_back("JPEG:" + id);
  s.items.put_bytes("item_id", ids);
  s.items.put_bytes("clip_id", clips);
  s.items.put_i64("frame_index", frames);
  s.items.put_bytes("image", jpeg, false);
  return s;
}

// qa items: a still with two QA pairs, clip frame f00 with one pair + annotation, f01 with none.
cf::Shard make_qa() {
  cf::Shard s;
  s.items.put_bytes("item_id", {"images/a.jpg", "v.mp4#clip000/f00", "v.mp4#clip000/f01"});
  s.items.put_bytes("source", {"images/a.jpg", "v.mp4", "v.mp4"});
  s.items.put_bytes("clip_id", {"", "v.mp4#clip000", "v.mp4#clip000"});
  s.items.put_i64("n_qa", {2, 1, 0});
  s.items.put_bytes("annotation", {"", "{\"weather\":\"Clear skies\"}", ""});
  cf::Table& q = s.tables["qa"];
  q.put_i64("item_row", {0, 0, 1});
  q.put_bytes("task", {"closed", "coda", "llava"});
  q.put_bytes("kind", {"count", "region_perception", "complex_reasoning"});
  q.put_bytes("question", {"How many cars are visible in the image?", "What is in [1, 2, 3, 4]?", "Why?"});
  q.put_bytes("answer", {"2", "A car.", "Because."});
  q.put_i64("closed", {1, 0, 0});
  return s;
}

cf::Shard make_caption() {
  cf::Shard s;
  s.items.put_bytes("item_id", {"images/a.jpg", "v.mp4#clip000/f00", "v.mp4#clip000/f01"});
  s.items.put_bytes("fine_caption", {"A road with two cars.", "A clip frame.", "Another frame."});
  return s;
}

}  // namespace

TEST(MergeSplit, HashIsDeterministicAndKeyedByClip) {
  EXPECT_EQ(unit_hash(7, "images/a.jpg"), unit_hash(7, "images/a.jpg"));
  EXPECT_NE(unit_hash(7, "images/a.jpg"), unit_hash(8, "images/a.jpg"));
  EXPECT_EQ(unit_key("v.mp4#clip000/f03", "v.mp4#clip000"), "v.mp4#clip000");
  EXPECT_EQ(unit_key("images/a.jpg", ""), "images/a.jpg");
}

TEST(MergeSplit, ThresholdReachesEvalSizeWithWholeUnits) {
  std::vector<UnitCount> units;
  for (int i = 0; i < 1000; ++i) units.push_back({unit_hash(1, "u" + std::to_string(i)), 10});
  units.push_back(units[5]);  // a second record of one unit (another frame of a clip): summed
  const SplitChoice c = choose_threshold(units, 95, 0.5);
  EXPECT_EQ(c.units, 1000);
  EXPECT_EQ(c.eval_units, 10);  // ceil(95 / 10), or 9 when unit 5 (20 samples) is among them
  EXPECT_GE(c.eval_samples, 95);
  EXPECT_LT(c.eval_samples, 95 + 20);
  int64_t n = 0;
  for (int i = 0; i < 1000; ++i) n += is_eval(c, unit_hash(1, "u" + std::to_string(i)));
  EXPECT_EQ(n, c.eval_units);
  // Order of the records does not matter; the fraction cap and eval_size 0 hold.
  std::reverse(units.begin(), units.end());
  EXPECT_EQ(choose_threshold(units, 95, 0.5).threshold, c.threshold);
  EXPECT_EQ(choose_threshold(units, 100000, 0.05).eval_units, 50);
  EXPECT_FALSE(choose_threshold(units, 0, 0.5).any_eval);
  EXPECT_FALSE(is_eval(choose_threshold(units, 0, 0.5), 0));
}

TEST(MergeJoin, SamplesPerItemClipAnnotationAndSplitAsUnit) {
  const cf::Shard qa = make_qa(), cap = make_caption();
  const cf::Shard ing = make_ingest({"images/a.jpg", "v.mp4#clip000/f01", "v.mp4#clip000/f00"},
                                    {"", "v.mp4#clip000", "v.mp4#clip000"}, {-1, 1, 0});
  MergeOptions o;
  const auto units = count_units(qa, o);
  ASSERT_EQ(units.size(), 2u);     // f01 has no QA: no samples of its own
  EXPECT_EQ(units[0].samples, 3);  // 2 QA + caption
  EXPECT_EQ(units[1].samples, 3);  // 1 QA + caption + annotation
  o.split = choose_threshold(units, 0, 1.0);
  MergedShard m = merge_shard({qa, cap, ing, 0}, o);
  ASSERT_EQ(m.train.size(), 6u);
  EXPECT_TRUE(m.eval.empty() && m.failures.empty());
  EXPECT_EQ(m.train[0].sample_id, "images/a.jpg#q00");
  EXPECT_EQ(m.train[0].task, "closed");
  EXPECT_EQ(m.train[0].closed, 1);
  EXPECT_EQ(m.train[1].task, "region");
  EXPECT_EQ(m.train[2].task, "caption");
  EXPECT_EQ(m.train[2].answer, "A road with two cars.");
  EXPECT_EQ(m.train[3].task, "reasoning");
  const Sample& ann = m.train[5];
  EXPECT_EQ(ann.task, "annotation");
  EXPECT_EQ(ann.item_id, "v.mp4#clip000");
  EXPECT_EQ(ann.image_ids, (std::vector<std::string>{"v.mp4#clip000/f00", "v.mp4#clip000/f01"}));  // frame order
  // Everything of the clip moves to eval together when its unit is chosen.
  o.split = choose_threshold(units, 1, 1.0);
  m = merge_shard({qa, cap, ing, 0}, o);
  const bool clip_first = unit_hash(o.seed, "v.mp4#clip000") < unit_hash(o.seed, "images/a.jpg");
  EXPECT_EQ(m.eval.size(), 3u);
  for (const auto& s : m.eval) EXPECT_EQ(s.item_id.rfind("v.mp4", 0) == 0, clip_first);

  const cf::Shard ds = dataset_shard(m.train, ing);
  EXPECT_EQ(ds.items.rows(), m.train.size());
  int64_t imgs = 0;
  for (auto n : ds.items.i64("n_images")) imgs += n;
  EXPECT_EQ(static_cast<int64_t>(ds.tables.at("images").rows()), imgs);
  EXPECT_EQ(ds.tables.at("images").bytes("image")[0], "JPEG:" + m.train[0].image_ids[0]);
}

TEST(MergeJoin, MissingImageOrCaptionIsAFailure) {
  const cf::Shard qa = make_qa(), cap;
  const cf::Shard ing =
      make_ingest({"v.mp4#clip000/f00", "v.mp4#clip000/f01"}, {"v.mp4#clip000", "v.mp4#clip000"}, {0, 1});
  MergeOptions o;
  cf::Shard cap1 = make_caption();
  MergedShard m = merge_shard({qa, cap1, ing, 3}, o);
  ASSERT_EQ(m.failures.size(), 1u);
  EXPECT_EQ(m.failures[0].item_id, "images/a.jpg");
  EXPECT_NE(m.failures[0].reason.find("io.images"), std::string::npos);
  EXPECT_NE(m.failures[0].reason.find("shard 3"), std::string::npos);
  cf::Shard no_cap;
  no_cap.items.put_bytes("item_id", std::vector<std::string>{});
  m = merge_shard({qa, no_cap, ing, 0}, o);
  EXPECT_EQ(m.failures.size(), 2u);
  EXPECT_THROW(dataset_shard({{"s", "x", "closed", "q", "a", 1, {"nope.jpg"}}}, ing), cf::DataError);
}

TEST(MergeLlava, RecordFormat) {
  const Sample one{"images/a.jpg#q00", "images/a.jpg", "closed", "How many?", "2", 1, {"images/a.jpg"}};
  const auto r = llava_record(one);
  EXPECT_EQ(r["id"], "images/a.jpg#q00");
  EXPECT_EQ(r["image"], "images/images/a.jpg");
  ASSERT_EQ(r["conversations"].size(), 2u);
  EXPECT_EQ(r["conversations"][0]["from"], "human");
  EXPECT_EQ(r["conversations"][0]["value"], "<image>\nHow many?");
  EXPECT_EQ(r["conversations"][1]["from"], "gpt");
  EXPECT_EQ(r["conversations"][1]["value"], "2");
  const Sample clip{"v#ann", "v", "annotation", "Annotate.", "{}", 0, {"v.mp4#clip000/f00", "v.mp4#clip000/f01"}};
  const auto c = llava_record(clip);
  EXPECT_EQ(c["image"], nlohmann::json({"images/v.mp4/clip000/f00.jpg", "images/v.mp4/clip000/f01.jpg"}));
  EXPECT_EQ(c["conversations"][0]["value"], "<image>\n<image>\nAnnotate.");
  EXPECT_THROW(llava_image_path("../etc/passwd"), cf::DataError);
  EXPECT_THROW(llava_image_path("/abs.jpg"), cf::DataError);
}

TEST(MergeStats, PartsAddUpAndReasonsAggregate) {
  EXPECT_EQ(normalize_reason("truncated JPEG at byte 1234 of 'a/b_01.jpg'"), "truncated JPEG at byte N of '…'");
  EXPECT_EQ(normalize_reason("near duplicate of images/scene_000123.jpg (distance 2.5)"),
            "near duplicate of images/scene_N.jpg (distance N)");
  MergedShard m;
  m.train.push_back({"a#q00", "a", "closed", "How many cars?", "2", 1, {"a"}});
  m.eval.push_back({"b#q00", "b", "closed", "How many buses?", "0", 1, {"b"}});
  cf::Shard up, retrieve;
  up.stage = "segment";
  up.failures.push_back({"x", "x", "segment", "cannot decode image 12", "error"});
  up.failures.push_back({"y", "y", "segment", "cannot decode image 7", "error"});
  retrieve.items.put_bytes("item_id", {"a"});
  retrieve.tables["regions"].put_i64("item_row", {0, 0, 0});
  retrieve.tables["regions"].put_bytes("label", {"car", "car", "bus"});
  nlohmann::json total = nlohmann::json::object();
  const auto part = shard_stats(m, {&up}, retrieve);
  add_into(total, part);
  add_into(total, part);
  const auto f = finalize_stats(total);
  EXPECT_EQ(f["samples"]["total"], 4);
  EXPECT_EQ(f["tasks"]["closed"]["train"], 2);
  EXPECT_EQ(f["tasks"]["closed"]["words"]["max"], 4);
  EXPECT_EQ(f["classes"]["car"]["regions"], 4);
  EXPECT_EQ(f["classes"]["car"]["items"], 2);
  EXPECT_EQ(f["failures"]["segment"]["total"], 4);
  EXPECT_EQ(f["failures"]["segment"]["reasons"]["cannot decode image N"], 4);
  EXPECT_NE(stats_markdown(f).find("| closed | 2 | 2 |"), std::string::npos);
}
