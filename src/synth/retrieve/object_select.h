// Which named regions of an image are distinct, confidently named objects (cf-retrieve's
// `object` column): the regions cf-caption mentions and cf-qa counts and asks closed questions
// about. The segmenter's regions overlap (a car's body, its windows and the whole car are all
// regions), so a plain count of named regions counts parts; this keeps one region per object.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace cf::retrieve {

struct ObjectCandidate {
  bool known = false;    // named (not "unknown object")
  float score = 0;       // best similarity of the winning label
  float background = 0;  // background share of the vote (Naming::background)
  float agreement = 1;   // the name's share of the object vote (Naming::agreement)
  cv::Rect box;
  int64_t area = 0;  // mask pixels
};

struct ObjectOptions {
  float min_score = 0.94f;      // a confident name
  float max_background = 0.5f;  // ... whose neighbours are mostly objects
  float min_agreement = 0.9f;   // ... that mostly agree on the name (bus / truck / car)
  double nms_iou = 0.5;         // box IoU at which the weaker of two candidates is dropped
  double containment = 0.7;     // ... or share of the smaller box inside the larger one
};

// Greedy non-maximum suppression over the known candidates with score >= min_score,
// background <= max_background and agreement >= min_agreement, strongest
// first (score, then area, then index), across labels: 1 for the kept ones, 0 otherwise.
std::vector<uint8_t> select_objects(const std::vector<ObjectCandidate>& candidates, const ObjectOptions& opt);

}  // namespace cf::retrieve
