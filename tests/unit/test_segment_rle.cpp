// cf-segment: COCO RLE (pycocotools-compatible strings, hand-computed), round trips, ROI
// encoding, area and bbox.
#include <gtest/gtest.h>

#include <random>

#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "synth/common/rle.h"

using namespace cf::synth;

namespace {

cv::Mat mask_of(int h, int w, std::initializer_list<int> v) {
  cv::Mat m(h, w, CV_8UC1);
  auto it = v.begin();
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) m.at<uint8_t>(y, x) = static_cast<uint8_t>(*it++);
  return m;
}

}  // namespace

TEST(SegmentRle, SmallMaskColumnMajorCountsAndString) {
  // Columns: (0,0,0) (1,1,0) (0,1,1) -> runs 3 zeros, 2 ones, 2 zeros, 2 ones.
  const cv::Mat m = mask_of(3, 3, {0, 1, 0, 0, 1, 1, 0, 0, 1});
  const Rle r = rle_encode(m);
  EXPECT_EQ(r.counts, (std::vector<uint32_t>{3, 2, 2, 2}));
  // pycocotools: counts 3, 2, 2, then 2 - 2 = 0 -> "3220".
  EXPECT_EQ(rle_to_string(r), "3220");
  EXPECT_EQ(rle_area(r), 4);
  EXPECT_EQ(rle_bbox(r), (std::array<int64_t, 4>{1, 0, 2, 3}));
  EXPECT_EQ(cv::countNonZero(rle_decode(r) != m), 0);
}

TEST(SegmentRle, MultiCharacterAndNegativeDeltas) {
  // counts 100, 5, 40, 2 on a 7x21 mask (147 pixels):
  // 100 = 3*32 + 4 -> 'T' (48+4+32), '3'; 5 -> '5'; 40 = 32 + 8 -> 'X', '1'; 2 - 5 = -3 -> 'M'.
  Rle r{7, 21, {100, 5, 40, 2}};
  EXPECT_EQ(rle_to_string(r), "T35X1M");
  const Rle back = rle_from_string("T35X1M", 7, 21);
  EXPECT_EQ(back.counts, r.counts);
  EXPECT_EQ(rle_area(r), 7);
  // Ones at 100..104 (column 14, rows 2..6) and 145..146 (column 20, rows 5..6).
  EXPECT_EQ(rle_bbox(r), (std::array<int64_t, 4>{14, 2, 7, 5}));
  const cv::Mat m = rle_decode(r);
  EXPECT_EQ(m.at<uint8_t>(2, 14), 1);
  EXPECT_EQ(m.at<uint8_t>(1, 14), 0);
  EXPECT_EQ(m.at<uint8_t>(6, 20), 1);
  EXPECT_EQ(cv::countNonZero(m), 7);
}

TEST(SegmentRle, EdgeCases) {
  EXPECT_EQ(rle_encode(cv::Mat::zeros(4, 5, CV_8UC1)).counts, (std::vector<uint32_t>{20}));
  EXPECT_EQ(rle_encode(cv::Mat::ones(4, 5, CV_8UC1)).counts, (std::vector<uint32_t>{0, 20}));
  EXPECT_EQ(rle_to_string(rle_encode(cv::Mat::ones(4, 5, CV_8UC1))),
            "0d0");  // 20 has bit 0x10: "d" (48+20+32), then "0"
  EXPECT_EQ(rle_bbox(rle_encode(cv::Mat::zeros(4, 5, CV_8UC1))), (std::array<int64_t, 4>{0, 0, 0, 0}));
  // A run wrapping from one column into the next spans all rows (pycocotools toBbox).
  EXPECT_EQ(rle_bbox(Rle{4, 3, {3, 2, 7}}), (std::array<int64_t, 4>{0, 0, 2, 4}));
  EXPECT_THROW(rle_from_string("3220", 3, 4), cf::Error);   // sums to 9, not 12
  EXPECT_THROW(rle_from_string("T", 7, 21), cf::Error);     // ends inside a count
  EXPECT_THROW(rle_from_string("3\x7f", 3, 3), cf::Error);  // bad character
}

TEST(SegmentRle, RandomRoundTripsAndRoiEncoding) {
  std::mt19937 rng(7);
  for (int t = 0; t < 50; ++t) {
    const int h = 1 + static_cast<int>(rng() % 40), w = 1 + static_cast<int>(rng() % 40);
    cv::Mat m(h, w, CV_8UC1, cv::Scalar(0));
    const cv::Rect roi(static_cast<int>(rng() % w), static_cast<int>(rng() % h), 0, 0);
    cv::Rect r = roi;
    r.width = 1 + static_cast<int>(rng() % (w - roi.x));
    r.height = 1 + static_cast<int>(rng() % (h - roi.y));
    cv::Mat part = m(r);
    cv::randu(part, 0, 2);
    const Rle full = rle_encode(m);
    EXPECT_EQ(rle_encode_roi(m(r).clone(), r, h, w).counts, full.counts);
    const std::string s = rle_to_string(full);
    EXPECT_EQ(rle_from_string(s, h, w).counts, full.counts);
    EXPECT_EQ(cv::countNonZero(rle_decode(full) != (m != 0) / 255), 0);
    EXPECT_EQ(rle_area(full), cv::countNonZero(m));
    if (cv::countNonZero(m) > 0) {
      std::vector<cv::Point> pts;
      cv::findNonZero(m, pts);
      const cv::Rect b = cv::boundingRect(pts);
      EXPECT_EQ(rle_bbox(full), (std::array<int64_t, 4>{b.x, b.y, b.width, b.height})) << h << "x" << w << " " << s;
    }
  }
}
