// cf-segment: the builtin backend on generated dashcam scenes finds the large objects (mask
// IoU >= 0.5 with the ground-truth instance), is deterministic, and produces sane scores.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "scenegen/scenegen.h"
#include "synth/segment/builtin_segmenter.h"
#include "synth/segment/felzenszwalb.h"

using namespace cf::segment;

TEST(SegmentBuiltin, FindsLargeObjectsInGeneratedScenes) {
  cf::scenegen::SceneGenOptions o;
  o.width = 640;
  o.height = 360;
  BuiltinSegmenter seg{BuiltinOptions{}};
  int found = 0, total = 0;
  for (int i = 0; i < 20; ++i) {
    const auto frame = cf::scenegen::render_frame(cf::scenegen::image_spec(o, i), 0.0, 0);
    std::vector<uint8_t> jpeg;  // as cf-ingest stores it
    cv::imencode(".jpg", frame.image, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
    const auto regions = seg.segment(cv::imdecode(jpeg, cv::IMREAD_COLOR));
    std::vector<cv::Mat> masks;
    for (const auto& r : regions) {
      masks.push_back(rle_decode(r.rle) != 0);
      EXPECT_GE(r.predicted_iou, 0.0f);
      EXPECT_LT(r.predicted_iou, 1.0f);
      EXPECT_GE(r.stability_score, 0.0f);
      EXPECT_LE(r.stability_score, 1.0f);
      EXPECT_LE(rle_area(r.rle), 0.35 * 640 * 360 + 1);
    }
    for (const auto& ob : frame.objects) {
      if (ob.area < 2048) continue;  // not tiny: >= 2048 of 230400 pixels
      const cv::Mat gt = frame.mask == ob.id;
      double best = 0;
      for (const auto& m : masks)
        best = std::max(best, static_cast<double>(cv::countNonZero(gt & m)) / cv::countNonZero(gt | m));
      ++total;
      found += best >= 0.5;
    }
  }
  ASSERT_GE(total, 15);
  EXPECT_GE(static_cast<double>(found) / total, 0.8) << found << " of " << total;
}

TEST(SegmentBuiltin, DeterministicAndFlatImageHasNoRegions) {
  cf::scenegen::SceneGenOptions o;
  o.width = 320;
  o.height = 180;
  const auto frame = cf::scenegen::render_frame(cf::scenegen::image_spec(o, 3), 0.0, 0);
  BuiltinSegmenter seg{BuiltinOptions{}};
  const auto a = seg.segment(frame.image), b = seg.segment(frame.image);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].rle.counts, b[i].rle.counts);
  // One flat colour: a single segment covering everything, above max_area_fraction.
  EXPECT_TRUE(seg.segment(cv::Mat(90, 160, CV_8UC3, cv::Scalar(50, 60, 70))).empty());
}

TEST(SegmentBuiltin, FelzenszwalbSeparatesFlatPatches) {
  cv::Mat img(40, 60, CV_32FC3, cv::Scalar(10, 10, 10));
  img(cv::Rect(20, 10, 20, 20)) = cv::Scalar(200, 50, 50);
  int n = 0;
  const cv::Mat labels = felzenszwalb(img, 50, 5, &n);
  EXPECT_EQ(n, 2);
  EXPECT_EQ(labels.at<int>(0, 0), 0);
  EXPECT_EQ(labels.at<int>(15, 25), 1);
  EXPECT_EQ(labels.at<int>(39, 59), 0);
}
