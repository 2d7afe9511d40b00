// Mask post-processing shared by the segmentation backends, as in SAM's automatic mask
// generator (segment_anything/utils/amg.py): stability score, box NMS (torchvision semantics),
// mask boxes, and removal of small holes and islands.
#pragma once
#include <array>
#include <cstddef>
#include <vector>

#include <opencv2/core.hpp>

namespace cf::segment {

// SAM's stability score of a soft mask (logits): |x > thr + offset| / |x > thr - offset|, the
// IoU of the masks obtained at two thresholds; 0 when both are empty (SAM: NaN, filtered).
float stability_score(const float* logits, size_t n, float mask_threshold, float offset);
float stability_score(const cv::Mat& logits, float mask_threshold, float offset);  // CV_32FC1

// The smallest q >= 0 with float(tau - sqrt(q)) <= t. That value is non-increasing in q (sqrt,
// the subtraction and the rounding to float are monotonic), so float(tau - sqrt(q)) > t exactly
// when q < the bound: a soft map tau - distance can be thresholded on squared distances,
// without a sqrt per pixel and with the same result.
double squared_distance_bound(double tau, float t);

// Box as SAM keeps it: x0, y0, x1, y1 with x1/y1 the last foreground column/row (inclusive
// index, not +1); area for NMS is (x1 - x0) * (y1 - y0) as torchvision computes it.
using BoxXyxy = std::array<float, 4>;
BoxXyxy mask_box_xyxy(const cv::Mat& mask);  // CV_8UC1; {0,0,0,0} when empty
float box_iou(const BoxXyxy& a, const BoxXyxy& b);

// torchvision.ops.nms: indices of kept boxes by decreasing score; a box is dropped when its IoU
// with a kept higher-scoring box is > iou_threshold. Equal scores keep the lower index first.
std::vector<size_t> box_nms(const std::vector<BoxXyxy>& boxes, const std::vector<float>& scores, float iou_threshold);

enum class SmallRegionMode { Holes, Islands };
// SAM's remove_small_regions: fills background components (holes, 8-connected, including the
// outer background) smaller than `area`, or removes foreground components (islands) smaller
// than `area` (keeping the largest when all are small). Returns true when the mask changed.
bool remove_small_regions(cv::Mat& mask, int64_t area, SmallRegionMode mode);

}  // namespace cf::segment
