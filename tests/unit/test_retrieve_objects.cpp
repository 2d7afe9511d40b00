// cf-retrieve's object column: background exemplars in the vote (vote.h) and the non-maximum
// suppression that keeps one confident region per object (object_select.h).
#include <gtest/gtest.h>

#include <cmath>

#include "synth/retrieve/object_select.h"
#include "synth/retrieve/vote.h"

using namespace cf::retrieve;

TEST(RetrieveVote, BackgroundNeighboursGiveAShareNotAName) {
  std::vector<DbEntry> e = {{"background", ""}, {"car", ""}, {"background", ""}, {"truck", ""}};
  std::vector<Neighbor> nb = {{0, 0.96f}, {1, 0.94f}, {2, 0.93f}, {3, 0.5f}};
  auto s = name_region(nb, e, "score", 0.8f, "background");
  EXPECT_EQ(s.label, "car");  // background never wins the name
  EXPECT_FLOAT_EQ(s.score, 0.94f);
  EXPECT_NEAR(s.background, (0.96 + 0.93) / (0.96 + 0.94 + 0.93 + 0.5), 1e-6);
  EXPECT_EQ(s.top_k.find("background"), std::string::npos);
  auto all_bg = name_region({{0, 0.99f}, {2, 0.98f}}, e, "score", 0.f, "background");
  EXPECT_EQ(all_bg.label, kUnknownLabel);
  EXPECT_FLOAT_EQ(all_bg.background, 1.f);
  auto plain = name_region(nb, e, "score", 0.8f);  // no background label: an ordinary name
  EXPECT_EQ(plain.label, "background");
  EXPECT_FLOAT_EQ(plain.background, 0.f);
}

TEST(RetrieveVote, SoftmaxLetsTheClosestNeighboursDecide) {
  std::vector<DbEntry> e = {{"bus", ""}, {"truck", ""}, {"truck", ""}, {"truck", ""}, {"background", ""}};
  std::vector<Neighbor> nb = {{0, 0.99f}, {1, 0.95f}, {2, 0.95f}, {3, 0.95f}, {4, 0.95f}};
  EXPECT_EQ(name_region(nb, e, "score", 0.8f, "background").label, "truck");  // 3 x 0.95 > 0.99
  const auto s = name_region(nb, e, "softmax", 0.8f, "background", 0.01f);
  EXPECT_EQ(s.label, "bus");  // exp(0) = 1 vs 3 exp(-4)
  const double far = std::exp(-4.0);
  EXPECT_NEAR(s.agreement, 1.0 / (1.0 + 3 * far), 1e-5);
  EXPECT_NEAR(s.background, far / (1.0 + 4 * far), 1e-5);
  EXPECT_FLOAT_EQ(s.score, 0.99f);
}

TEST(RetrieveObjects, OneConfidentRegionPerObject) {
  auto cand = [](bool known, float score, cv::Rect box, float bg = 0.f, float agreement = 1.f) {
    ObjectCandidate c;
    c.known = known, c.score = score, c.box = box, c.area = box.area(), c.background = bg, c.agreement = agreement;
    return c;
  };
  const std::vector<ObjectCandidate> c = {
      cand(true, 0.95f, {100, 100, 80, 60}),              // whole car
      cand(true, 0.96f, {110, 105, 30, 20}),              // its window, named more confidently: kept, the car dropped
      cand(true, 0.945f, {102, 101, 78, 58}),             // the car again, slightly smaller (IoU > 0.5)
      cand(true, 0.97f, {400, 100, 50, 50}),              // another object
      cand(true, 0.9f, {600, 100, 20, 20}),               // weak name
      cand(false, 0.99f, {700, 100, 20, 20}),             // unknown
      cand(true, 0.99f, {800, 100, 20, 20}, 0.8f),        // mostly background neighbours
      cand(true, 0.99f, {900, 100, 20, 20}, 0.f, 0.6f)};  // neighbours disagree on the name
  ObjectOptions o;  // min_score 0.94, max_background 0.5, min_agreement 0.9, IoU 0.5, containment 0.7
  const auto keep = select_objects(c, o);
  EXPECT_EQ(std::vector<uint8_t>(keep.begin(), keep.end()), (std::vector<uint8_t>{0, 1, 0, 1, 0, 0, 0, 0}));
  o.containment = 1.01;  // containment off: the window no longer suppresses the car
  const auto keep2 = select_objects(c, o);
  EXPECT_EQ(std::vector<uint8_t>(keep2.begin(), keep2.end()), (std::vector<uint8_t>{1, 1, 0, 1, 0, 0, 0, 0}));
}
