// cf-eval-synthesis pieces: the label -> scenegen class mapping, closed-question parsing, and
// the per-image scoring (mask IoU via RLE runs, naming, caption and closed-answer counters).
#include <gtest/gtest.h>

#include "synth/common/rle.h"
#include "synth/evalsynth/class_map.h"
#include "synth/evalsynth/item_eval.h"

using namespace cf::evalsynth;

TEST(EvalSynthesis, ClassMapAndClosedQuestions) {
  EXPECT_EQ(map_label("stop sign")->cls, "traffic_sign");
  EXPECT_EQ(map_label("stop sign")->kind, "stop");
  EXPECT_EQ(map_label("speed limit sign")->kind, "speed_limit");
  EXPECT_EQ(map_label("traffic light")->cls, "traffic_light");
  EXPECT_EQ(map_label("deer")->cls, "animal");
  EXPECT_EQ(map_label("cargo box")->kind, "cargo_box");
  EXPECT_EQ(map_label("Traffic_Cone")->cls, "cone");
  EXPECT_FALSE(map_label("unknown object"));
  auto q = parse_closed_question("How many buses are visible in the image?");
  EXPECT_EQ(q.kind, ClosedQuestion::Kind::Count);
  EXPECT_EQ(q.label, "bus");
  EXPECT_EQ(parse_closed_question("How many traffic lights are visible in the image?").label, "traffic light");
  q = parse_closed_question("Is there an animal in the image?");
  EXPECT_EQ(q.kind, ClosedQuestion::Kind::Presence);
  EXPECT_EQ(q.label, "animal");
  EXPECT_EQ(parse_closed_question("What colour is the light?").kind, ClosedQuestion::Kind::Other);
}

TEST(EvalSynthesis, ScoresOneImage) {
  SceneTruth t;
  t.ids = cv::Mat::zeros(40, 60, CV_16UC1);
  t.ids(cv::Rect(0, 0, 40, 40)).setTo(1);    // car, 1600 px
  t.ids(cv::Rect(45, 10, 10, 10)).setTo(2);  // pedestrian, 100 px
  t.objects = {{1, "car", "", 1600}, {2, "pedestrian", "", 100}};
  cv::Mat m = cv::Mat::zeros(40, 60, CV_8UC1);
  m(cv::Rect(0, 0, 40, 30)).setTo(1);  // IoU 0.75 with the car
  const std::string car_rle = cf::synth::rle_to_string(cf::synth::rle_encode(m));
  EvalOptions o;
  o.min_area = 500;
  o.large_area = 1000;
  auto r = eval_item(t, {{car_rle, "car"}}, {"car", "bus", "unknown object"},
                     {{"How many cars are visible in the image?", "1"},
                      {"Is there a pedestrian in the image?", "No"},
                      {"How many unknown objects are visible in the image?", "3"}},
                     o);
  EXPECT_EQ(r["totals"]["gt"], 1);  // the pedestrian is below min_area
  EXPECT_EQ(r["totals"]["matched"], 1);
  EXPECT_EQ(r["totals"]["named"], 1);
  EXPECT_EQ(r["caption"]["mentioned"], 2);  // car, bus (unknown object names no class)
  EXPECT_EQ(r["caption"]["hallucinated"], 1);
  EXPECT_EQ(r["caption"]["large"], 1);
  EXPECT_FALSE(r["caption"].contains("missed"));
  EXPECT_EQ(r["closed"]["count"]["total"], 2);
  EXPECT_EQ(r["closed"]["count"]["correct"], 1);
  EXPECT_EQ(r["closed"]["count"]["unscorable"], 1);
  EXPECT_FALSE(r["closed"]["presence"].contains("correct"));  // a pedestrian is visible
  // A region labelled truck over the car is found but misnamed; a shifted region is not found.
  r = eval_item(t, {{car_rle, "truck"}}, {}, {}, o);
  EXPECT_EQ(r["totals"]["matched"], 1);
  EXPECT_FALSE(r["totals"].contains("named"));
  EXPECT_EQ(r["confusions"]["car -> truck"], 1);
  cv::Mat far = cv::Mat::zeros(40, 60, CV_8UC1);
  far(cv::Rect(30, 0, 30, 40)).setTo(1);
  r = eval_item(t, {{cf::synth::rle_to_string(cf::synth::rle_encode(far)), "car"}}, {}, {}, o);
  EXPECT_FALSE(r["totals"].contains("matched"));
  const auto rep = eval_report(r);
  EXPECT_EQ(rep["object_recall"], 0.0);
}
