// COCO run-length encoding of binary masks, bit-compatible with pycocotools (`mask.encode`,
// `mask.decode`, `mask.area`, `mask.toBbox`). cf-segment writes region masks this way;
// cf-retrieve, cf-eval-synthesis and others decode them.
//
// Runs are counted over the mask in column-major (Fortran) order, starting with a run of zeros
// (possibly empty). The compressed string form is pycocotools' LEB128-like code: each count
// (after the third, as the difference to the count two places before) is written in 5-bit
// groups, low group first, as chars 48 + group (+ 32 when more groups follow).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

namespace cf::synth {

struct Rle {
  int height = 0, width = 0;
  std::vector<uint32_t> counts;  // alternating zero/one runs, column-major, first run zeros
};

// Builds an Rle from pixel runs appended in column-major order, for encoders that do not hold
// a mask (e.g. from a label map's column runs): add(v, n) appends n pixels of value v.
class RleBuilder {
 public:
  RleBuilder(int height, int width);
  void add(bool v, uint32_t n) {
    if (n == 0) return;
    if (v == ((rle_.counts.size() - 1) % 2 == 1)) rle_.counts.back() += n;  // extends the last run
    else rle_.counts.push_back(n);
  }
  Rle finish() { return std::move(rle_); }

 private:
  Rle rle_;
};

// `mask`: CV_8UC1, non-zero = foreground.
Rle rle_encode(const cv::Mat& mask);
// The same for a height x width mask that is zero outside `roi`, given only its ROI part
// (CV_8UC1, roi.size()): cost is proportional to the ROI, not the image.
Rle rle_encode_roi(const cv::Mat& roi_mask, const cv::Rect& roi, int height, int width);
cv::Mat rle_decode(const Rle& rle);  // CV_8UC1 of 0/1

std::string rle_to_string(const Rle& rle);  // pycocotools "counts" string
// Throws cf::DataError when `counts` is malformed or does not sum to height * width.
Rle rle_from_string(const std::string& counts, int height, int width);

int64_t rle_area(const Rle& rle);
// pycocotools toBbox: [x, y, w, h] with w = max_x - min_x + 1; all zeros for an empty mask.
std::array<int64_t, 4> rle_bbox(const Rle& rle);

}  // namespace cf::synth
