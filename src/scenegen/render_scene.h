// Renders one frame of a scene: image, 16-bit instance mask and the visible objects with boxes
// taken from the mask (so boxes and masks always agree).
#pragma once
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

#include "scenegen/scene_spec.h"

namespace cf::scenegen {

struct VisibleObject {
  int id = 0;              // == SceneObject::id and the mask value
  cv::Rect box;            // bounding box of the visible mask pixels
  int64_t area = 0;        // visible pixels
  double occlusion = 0;    // 1 - visible / drawn (drawn = pixels before nearer things covered it)
  bool truncated = false;  // touches the image border
  double depth = 0;        // metres ahead of the camera
  double lateral = 0;      // metres right of the camera
};

struct RenderedFrame {
  cv::Mat image;                       // CV_8UC3
  cv::Mat mask;                        // CV_16UC1, 0 = background
  std::vector<VisibleObject> objects;  // ordered by id; objects without visible pixels dropped
};

// Frame at clip time t (images: t = 0, frame = 0). Deterministic for (spec, t, frame).
RenderedFrame render_frame(const SceneSpec& spec, double t, int frame);

}  // namespace cf::scenegen
