#include "synth/segment/mask_ops.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>

#include <opencv2/imgproc.hpp>

namespace cf::segment {

float stability_score(const float* logits, size_t n, float mask_threshold, float offset) {
  const float hi = mask_threshold + offset, lo = mask_threshold - offset;
  int64_t inter = 0, uni = 0;
  for (size_t i = 0; i < n; ++i) {
    inter += logits[i] > hi;
    uni += logits[i] > lo;
  }
  return uni == 0 ? 0.0f : static_cast<float>(static_cast<double>(inter) / static_cast<double>(uni));
}

float stability_score(const cv::Mat& logits, float mask_threshold, float offset) {
  CV_Assert(logits.type() == CV_32FC1);
  cv::Mat c = logits.isContinuous() ? logits : logits.clone();
  return stability_score(c.ptr<float>(), c.total(), mask_threshold, offset);
}

double squared_distance_bound(double tau, float t) {
  auto soft = [tau](double q) { return static_cast<float>(tau - std::sqrt(q)); };
  auto value = [](uint64_t bits) {
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  };
  if (!(soft(0.0) > t)) return 0.0;
  // Bisection over the bit patterns of non-negative doubles, which sort like their values.
  uint64_t pass = 0, fail = 0x7ff0000000000000ull;  // 0.0 and +infinity
  while (fail - pass > 1) {
    const uint64_t mid = pass + (fail - pass) / 2;
    (soft(value(mid)) > t ? pass : fail) = mid;
  }
  return value(fail);
}

BoxXyxy mask_box_xyxy(const cv::Mat& mask) {
  CV_Assert(mask.type() == CV_8UC1);
  // A plain scan: cv::boundingRect on 8-bit masks misses pixels of narrow images (OpenCV 4.6).
  int x0 = mask.cols, y0 = mask.rows, x1 = -1, y1 = -1;
  for (int y = 0; y < mask.rows; ++y) {
    const uint8_t* p = mask.ptr<uint8_t>(y);
    for (int x = 0; x < mask.cols; ++x)
      if (p[x]) x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
  }
  if (x1 < 0) return {0, 0, 0, 0};
  return {static_cast<float>(x0), static_cast<float>(y0), static_cast<float>(x1), static_cast<float>(y1)};
}

float box_iou(const BoxXyxy& a, const BoxXyxy& b) {
  const float area_a = (a[2] - a[0]) * (a[3] - a[1]), area_b = (b[2] - b[0]) * (b[3] - b[1]);
  const float w = std::max(0.0f, std::min(a[2], b[2]) - std::max(a[0], b[0]));
  const float h = std::max(0.0f, std::min(a[3], b[3]) - std::max(a[1], b[1]));
  const float inter = w * h, uni = area_a + area_b - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

std::vector<size_t> box_nms(const std::vector<BoxXyxy>& boxes, const std::vector<float>& scores, float iou_threshold) {
  std::vector<size_t> order(boxes.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  std::vector<size_t> keep;
  std::vector<bool> dropped(boxes.size(), false);
  for (size_t i = 0; i < order.size(); ++i) {
    if (dropped[order[i]]) continue;
    keep.push_back(order[i]);
    for (size_t j = i + 1; j < order.size(); ++j)
      if (!dropped[order[j]] && box_iou(boxes[order[i]], boxes[order[j]]) > iou_threshold) dropped[order[j]] = true;
  }
  return keep;
}

bool remove_small_regions(cv::Mat& mask, int64_t area, SmallRegionMode mode) {
  CV_Assert(mask.type() == CV_8UC1);
  const bool holes = mode == SmallRegionMode::Holes;
  cv::Mat working = holes ? (mask == 0) : (mask != 0);
  working /= 255;
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(working, labels, stats, centroids, 8, CV_32S);
  std::vector<bool> small(static_cast<size_t>(n), false);
  bool any = false;
  for (int i = 1; i < n; ++i)
    if (stats.at<int>(i, cv::CC_STAT_AREA) < area) small[static_cast<size_t>(i)] = any = true;
  if (!any) return false;
  // Pixels whose label is in fill_labels become foreground (SAM: np.isin(regions, fill_labels)).
  std::vector<uint8_t> fill(static_cast<size_t>(n), 0);
  if (holes) {
    fill[0] = 1;
    for (int i = 1; i < n; ++i) fill[static_cast<size_t>(i)] = small[static_cast<size_t>(i)];
  } else {
    bool kept = false;
    for (int i = 1; i < n; ++i) kept |= (fill[static_cast<size_t>(i)] = !small[static_cast<size_t>(i)]);
    if (!kept) {
      int best = 1;
      for (int i = 2; i < n; ++i)
        if (stats.at<int>(i, cv::CC_STAT_AREA) > stats.at<int>(best, cv::CC_STAT_AREA)) best = i;
      fill[static_cast<size_t>(best)] = 1;
    }
  }
  for (int y = 0; y < mask.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    uint8_t* m = mask.ptr<uint8_t>(y);
    for (int x = 0; x < mask.cols; ++x) m[x] = fill[static_cast<size_t>(l[x])];
  }
  return true;
}

}  // namespace cf::segment
