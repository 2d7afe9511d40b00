// A label map (CV_32SC1) stored column by column as runs of equal labels, so that the builtin
// backend gets every leaf's box and the COCO RLE of any union of labels from the runs of the
// columns it spans, without a mask buffer per region (cost: runs, not pixels).
#pragma once
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

#include "synth/common/rle.h"

namespace cf::segment {

class LabelColumns {
 public:
  explicit LabelColumns(const cv::Mat& labels);  // CV_32SC1, labels >= 0

  // Bounding box of each label 0..n-1 (empty cv::Rect when the label is absent).
  std::vector<cv::Rect> boxes(int n) const;

  // RLE of the mask {pixels whose label l has member[l] != 0}; every such pixel must lie in
  // columns [x0, x1) (columns outside are not read).
  synth::Rle encode(const std::vector<uint8_t>& member, int x0, int x1) const;

 private:
  struct Run {
    int label, length;
  };
  int height_, width_;
  std::vector<Run> runs_;      // column 0 top to bottom, then column 1, ...
  std::vector<size_t> first_;  // first_[x]: index of column x's first run; first_[width] = end
};

}  // namespace cf::segment
