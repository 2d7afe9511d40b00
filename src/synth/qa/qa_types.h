// What the QA generators see of one item (its captions, objects with boxes, retrieved regions
// with descriptions, estimated image attributes) and what they produce.
#pragma once
#include <string>
#include <vector>

#include "synth/caption/image_attributes.h"
#include "synth/common/upstream.h"

namespace cf::synth {

struct QaInput {
  std::string item_id, clip_id, raw_caption, fine_caption;
  int64_t width = 0, height = 0;
  std::vector<RetrievedRegion> objects;  // the caption's objects (boxes in pixels)
  std::vector<RetrievedRegion> regions;  // every retrieved region (closed answers count these)
  ImageAttributes attributes;
};

struct QaPair {
  std::string task;  // "coda", "llava", "closed"
  std::string kind;  // general_perception, region_perception, driving_suggestion, conversation,
                     // detailed_description, complex_reasoning, count, yes_no
  std::string question, answer;
  float box[4] = {-1, -1, -1, -1};
  bool closed = false;
  std::string source_backend = "builtin";
};

}  // namespace cf::synth
