// cf-segment: SAM's mask helpers on hand cases: stability score, box NMS (torchvision
// semantics), mask boxes, small-region removal, point grid and crop boxes.
#include <gtest/gtest.h>

#include "synth/segment/mask_ops.h"
#include "synth/segment/sam_segmenter.h"

using namespace cf::segment;

TEST(SegmentMaskOps, StabilityScore) {
  // Logits -3 -1 0.5 1.5 2.5, threshold 0, offset 1: |x > 1| = 2, |x > -1| = 3 -> 2/3.
  const float v[] = {-3.f, -1.f, 0.5f, 1.5f, 2.5f};
  EXPECT_FLOAT_EQ(stability_score(v, 5, 0.0f, 1.0f), 2.0f / 3.0f);
  EXPECT_FLOAT_EQ(stability_score(v, 5, 0.0f, 0.0f), 1.0f);   // same threshold twice
  EXPECT_FLOAT_EQ(stability_score(v, 5, 10.0f, 1.0f), 0.0f);  // both empty
  cv::Mat m(2, 2, CV_32FC1, cv::Scalar(5.0f));
  m.at<float>(0, 0) = 0.2f;  // inside at -1, outside at +1
  EXPECT_FLOAT_EQ(stability_score(m, 0.0f, 1.0f), 0.75f);
}

TEST(SegmentMaskOps, BoxIouAndNms) {
  const BoxXyxy a{0, 0, 10, 10}, b{0, 0, 10, 5}, c{5, 0, 15, 10}, d{20, 20, 30, 30};
  EXPECT_FLOAT_EQ(box_iou(a, b), 0.5f);
  EXPECT_FLOAT_EQ(box_iou(a, c), 50.0f / 150.0f);
  EXPECT_FLOAT_EQ(box_iou(a, d), 0.0f);
  // b overlaps a at 0.5: dropped at threshold 0.4, kept at 0.5 (strictly greater drops).
  EXPECT_EQ(box_nms({a, b, c, d}, {0.9f, 0.8f, 0.7f, 0.95f}, 0.4f), (std::vector<size_t>{3, 0, 2}));
  EXPECT_EQ(box_nms({a, b, c, d}, {0.9f, 0.8f, 0.7f, 0.95f}, 0.5f), (std::vector<size_t>{3, 0, 1, 2}));
  // A dropped box suppresses nothing: b (0.9) drops a (IoU 0.5); c survives, its IoU with b is
  // 25/125 = 0.2 (with the dropped a it would be 1/3 > 0.3).
  EXPECT_EQ(box_nms({a, b, c}, {0.8f, 0.9f, 0.7f}, 0.3f), (std::vector<size_t>{1, 2}));
  // Equal scores: lower index first.
  EXPECT_EQ(box_nms({a, a}, {0.5f, 0.5f}, 0.7f), (std::vector<size_t>{0}));
  EXPECT_TRUE(box_nms({}, {}, 0.7f).empty());
}

TEST(SegmentMaskOps, MaskBoxIsInclusive) {
  cv::Mat m(10, 12, CV_8UC1, cv::Scalar(0));
  m(cv::Rect(3, 2, 4, 5)) = 1;
  EXPECT_EQ(mask_box_xyxy(m), (BoxXyxy{3, 2, 6, 6}));
  EXPECT_EQ(mask_box_xyxy(cv::Mat::zeros(4, 4, CV_8UC1)), (BoxXyxy{0, 0, 0, 0}));
}

TEST(SegmentMaskOps, RemoveSmallRegions) {
  cv::Mat m(20, 20, CV_8UC1, cv::Scalar(0));
  m(cv::Rect(2, 2, 10, 10)) = 1;
  m.at<uint8_t>(5, 5) = 0;        // 1-pixel hole
  m(cv::Rect(16, 16, 2, 2)) = 1;  // 4-pixel island
  cv::Mat holes = m.clone();
  EXPECT_TRUE(remove_small_regions(holes, 3, SmallRegionMode::Holes));
  EXPECT_EQ(holes.at<uint8_t>(5, 5), 1);
  EXPECT_EQ(cv::countNonZero(holes), 104);
  cv::Mat islands = holes.clone();
  EXPECT_FALSE(remove_small_regions(islands, 4, SmallRegionMode::Islands));  // 4 is not < 4
  EXPECT_TRUE(remove_small_regions(islands, 5, SmallRegionMode::Islands));
  EXPECT_EQ(cv::countNonZero(islands), 100);
  // All islands small: the largest stays.
  cv::Mat tiny(8, 8, CV_8UC1, cv::Scalar(0));
  tiny(cv::Rect(0, 0, 2, 2)) = 1;
  tiny.at<uint8_t>(6, 6) = 1;
  EXPECT_TRUE(remove_small_regions(tiny, 50, SmallRegionMode::Islands));
  EXPECT_EQ(cv::countNonZero(tiny), 4);
  EXPECT_EQ(tiny.at<uint8_t>(6, 6), 0);
}

TEST(SegmentMaskOps, PointGridAndCropBoxesMatchSam) {
  const auto g = build_point_grid(4);  // np.linspace(1/8, 7/8, 4), x fastest
  ASSERT_EQ(g.size(), 16u);
  EXPECT_FLOAT_EQ(g[0].x, 0.125f);
  EXPECT_FLOAT_EQ(g[1].x, 0.375f);
  EXPECT_FLOAT_EQ(g[1].y, 0.125f);
  EXPECT_FLOAT_EQ(g[4].y, 0.375f);
  EXPECT_FLOAT_EQ(g[15].x, 0.875f);
  EXPECT_EQ(build_point_grid(1), (std::vector<cv::Point2f>{{0.5f, 0.5f}}));
  // 360x640, one layer, overlap 512/1500: overlap int(0.3413*360) = 122, crop 381x241,
  // x0 in {0, 259}, y0 in {0, 119}; product(x0s, y0s) order.
  const auto crops = generate_crop_boxes(360, 640, 1, 512.0 / 1500.0);
  ASSERT_EQ(crops.size(), 5u);
  EXPECT_EQ(crops[0].first, cv::Vec4i(0, 0, 640, 360));
  EXPECT_EQ(crops[1].first, cv::Vec4i(0, 0, 381, 241));
  EXPECT_EQ(crops[2].first, cv::Vec4i(0, 119, 381, 360));
  EXPECT_EQ(crops[3].first, cv::Vec4i(259, 0, 640, 241));
  EXPECT_EQ(crops[4].first, cv::Vec4i(259, 119, 640, 360));
  EXPECT_EQ(crops[4].second, 1);
}
