// cf-segment: SAM automatic mask generation. Hand cases with a C++ stand-in model (filters,
// NMS, crops, small-region cleanup), and end to end over a tiny TorchScript pair with SAM's
// signatures written by tests/py/make_tiny_sam.py.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "synth/segment/mask_ops.h"
#include "synth/segment/sam_segmenter.h"

namespace fs = std::filesystem;
using namespace cf::segment;

namespace {

// Per prompt: [0] a 40x40 square around the point (crisp, IoU 0.9); [1] the same square with
// IoU 0.5 (dropped by pred_iou_thresh); [2] a soft blob (IoU 0.99, dropped by stability).
class SquareModel : public PromptModel {
 public:
  cv::Size size;
  int calls = 0;
  void set_image(const cv::Mat& rgb) override { size = rgb.size(); }
  PromptMasks predict(const std::vector<cv::Point2f>& pts, float) override {
    ++calls;
    PromptMasks pm;
    for (const auto& p : pts) {
      cv::Mat sq(size, CV_32FC1, cv::Scalar(-10.0f));
      sq(cv::Rect(static_cast<int>(p.x) - 20, static_cast<int>(p.y) - 20, 40, 40) & cv::Rect(cv::Point(), size)) =
          10.0f;
      cv::Mat soft(size, CV_32FC1);
      for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x)
          soft.at<float>(y, x) = 0.05f * (30.0f - static_cast<float>(std::hypot(x - p.x, y - p.y)));
      pm.logits.insert(pm.logits.end(), {sq, sq.clone(), soft});
      pm.iou.insert(pm.iou.end(), {0.9f, 0.5f, 0.99f});
    }
    return pm;
  }
};

}  // namespace

TEST(SegmentAmg, FiltersAndBatches) {
  SquareModel model;
  SamOptions o;
  o.points_per_side = 2;  // points at (50, 25), (150, 25), (50, 75), (150, 75) of 200x100
  o.points_per_batch = 3;
  const auto regions = generate_masks(model, cv::Mat(100, 200, CV_8UC3, cv::Scalar(0, 0, 0)), o);
  EXPECT_EQ(model.calls, 2);      // 4 points in batches of 3
  ASSERT_EQ(regions.size(), 4u);  // one square per point: IoU and stability filters drop the rest
  for (const auto& r : regions) {
    EXPECT_FLOAT_EQ(r.predicted_iou, 0.9f);
    EXPECT_FLOAT_EQ(r.stability_score, 1.0f);
  }
  // Sorted by IoU then index: the first point's square (x 30..69, y 5..44).
  EXPECT_EQ(rle_bbox(regions[0].rle), (std::array<int64_t, 4>{30, 5, 40, 40}));
  EXPECT_EQ(rle_area(regions[0].rle), 1600);
}

TEST(SegmentAmg, NmsMergesDenseGrid) {
  SquareModel model;
  SamOptions o;
  o.points_per_side = 16;  // 6.25 px apart on 100x100: neighbouring squares overlap > 0.7
  const auto regions = generate_masks(model, cv::Mat(100, 100, CV_8UC3, cv::Scalar(0, 0, 0)), o);
  ASSERT_FALSE(regions.empty());
  EXPECT_LT(regions.size(), 160u);  // of 256 prompts
  for (size_t i = 0; i < regions.size(); ++i)
    for (size_t j = i + 1; j < regions.size(); ++j) {
      const auto a = rle_bbox(regions[i].rle), b = rle_bbox(regions[j].rle);
      const BoxXyxy ba{float(a[0]), float(a[1]), float(a[0] + a[2] - 1), float(a[1] + a[3] - 1)};
      const BoxXyxy bb{float(b[0]), float(b[1]), float(b[0] + b[2] - 1), float(b[1] + b[3] - 1)};
      EXPECT_LE(box_iou(ba, bb), 0.7f);
    }
}

TEST(SegmentAmg, CropLayersAndSmallRegionCleanup) {
  SquareModel model;
  SamOptions o;
  o.points_per_side = 4;
  o.crop_n_layers = 1;
  o.min_mask_region_area = 100;
  const auto regions = generate_masks(model, cv::Mat(120, 200, CV_8UC3, cv::Scalar(0, 0, 0)), o);
  ASSERT_FALSE(regions.empty());
  for (const auto& r : regions) EXPECT_GE(rle_area(r.rle), 100);  // no small islands left
}

TEST(SegmentAmg, TorchScriptPairEndToEnd) {
  const fs::path dir = fs::temp_directory_path() / ("cf-tiny-sam-" + std::to_string(getpid()));
  const std::string cmd =
      "/usr/bin/python3 " CF_SOURCE_DIR "/tests/py/make_tiny_sam.py '" + dir.string() + "' --size 256";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  SamOptions o;
  o.image_encoder = (dir / "image_encoder.pt").string();
  o.mask_decoder = (dir / "mask_decoder.pt").string();
  o.image_size = 256;
  o.points_per_side = 2;
  auto model = load_sam_model(o);
  // 640x360 -> 256x144 input; discs of radius 16 and 32 input px = 40 and 80 image px (the
  // radius-64 candidate has IoU 0.5 and is dropped). Points (160|480, 90|270).
  const auto regions = generate_masks(*model, cv::Mat(360, 640, CV_8UC3, cv::Scalar(40, 80, 120)), o);
  ASSERT_EQ(regions.size(), 8u);
  int small = 0, large = 0;
  for (const auto& r : regions) {
    const double area = static_cast<double>(rle_area(r.rle));
    const bool is_small = r.predicted_iou > 0.94f;
    const double radius = is_small ? 40.0 : 80.0;
    (is_small ? small : large) += 1;
    EXPECT_NEAR(area / (M_PI * radius * radius), 1.0, 0.04) << area;
    EXPECT_GT(r.stability_score, 0.95f);
    const auto b = rle_bbox(r.rle);
    const double cx = b[0] + b[2] / 2.0, cy = b[1] + b[3] / 2.0;
    EXPECT_TRUE(std::fabs(cx - 160) < 3 || std::fabs(cx - 480) < 3) << cx;
    EXPECT_TRUE(std::fabs(cy - 90) < 3 || std::fabs(cy - 270) < 3) << cy;
  }
  EXPECT_EQ(small, 4);
  EXPECT_EQ(large, 4);
  // Wrong files are configuration errors naming the key.
  SamOptions bad = o;
  bad.mask_decoder = (dir / "image_encoder.pt").string() + ".missing";
  try {
    load_sam_model(bad);
    FAIL() << "expected ConfigError";
  } catch (const cf::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("sam.mask_decoder"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}
