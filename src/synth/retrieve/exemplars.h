// Labeled exemplars for cf-build-db, from three kinds of input:
//  - cf-scenegen ground truth: DIR/labels/scene_*.json (objects with id, class, box, area,
//    attributes.kind), DIR/images/*.jpg and DIR/masks/*.png (16-bit instance ids);
//  - a user's labeled set: JSONL of {"image": path (relative to the JSONL), "box": [x,y,w,h],
//    "label": name, "mask": optional PNG path, nonzero = region}; without a mask the box is;
//  - precomputed text embeddings (text_vectors.h), which need no image.
#pragma once
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "synth/retrieve/embedder.h"

namespace cf::retrieve {

struct ExemplarObject {
  std::string label;
  std::string source;  // "labels/scene_000001.json#3" or "set.jsonl:12"
  cv::Rect box;
  int instance_id = -1;  // scenegen: mask value of the object; -1: mask file or whole box
};

// One unit of work: an image and the objects taken from it.
struct ExemplarImage {
  std::string image_path;  // absolute or relative to the working directory
  std::string mask_path;   // scenegen instance map, labeled-set mask, or "" (box = mask)
  std::vector<ExemplarObject> objects;
};

// Label of a scenegen object. "class": its class ("traffic light"); "fine": signs, animals
// and debris by kind ("stop sign", "deer", "tire"), everything else by class.
std::string scenegen_label(const std::string& cls, const std::string& kind, const std::string& mode);

// Sorted by label file; objects below min_area visible pixels are left out. Throws
// cf::ConfigError naming the file when a label file is unreadable or there is none.
std::vector<ExemplarImage> scenegen_exemplars(const std::string& root, int64_t min_area, const std::string& label_mode);
// One unit per line, in file order. Throws cf::ConfigError naming file:line.
std::vector<ExemplarImage> labeled_exemplars(const std::string& jsonl);

// Embeds every object of `unit` (image and mask read once). Throws cf::Error naming the file.
std::vector<std::vector<float>> embed_exemplars(const ExemplarImage& unit, const Embedder& embedder);

}  // namespace cf::retrieve
