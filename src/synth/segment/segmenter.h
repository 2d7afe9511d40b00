// What a segmentation backend returns for one image, and how a backend is chosen from config.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/config.h"
#include "synth/common/rle.h"

namespace cf::segment {

// The shared COCO RLE (synth/common/rle.h), as segment code has always called it.
using synth::Rle;
using synth::rle_area;
using synth::rle_bbox;
using synth::rle_decode;
using synth::rle_encode;
using synth::rle_encode_roi;
using synth::rle_from_string;
using synth::rle_to_string;

struct Region {
  Rle rle;                    // full-image mask
  float predicted_iou = 0;    // backend's quality estimate in [0, 1] (docs/stages/segment.md)
  float stability_score = 0;  // IoU of the mask at two thresholds of a soft map, in [0, 1]
};

class Segmenter {
 public:
  virtual ~Segmenter() = default;
  // `bgr`: 8-bit BGR image. Regions in a deterministic order.
  virtual std::vector<Region> segment(const cv::Mat& bgr) = 0;
  // True when segment() may run on several threads at once (one image each).
  virtual bool thread_safe() const { return true; }
};

void declare_segmenter_config(ConfigSchema& schema);
// Builds the backend named by segment.backend; `threads` is what the backend may use inside
// one image when it is not thread-safe. Throws ConfigError naming the key on bad settings.
std::unique_ptr<Segmenter> make_segmenter(const Config& config, int threads);

}  // namespace cf::segment
