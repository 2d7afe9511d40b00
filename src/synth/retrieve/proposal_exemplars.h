// Exemplars that look like what cf-segment hands to cf-retrieve: the built-in segmenter's own
// regions on a labeled scenegen image, labelled from its instance map.
//  - positives: a region whose mask IoU with a labeled object is >= positive_iou gets that
//    object's label (the whole-object regions the segmenter really produces);
//  - background: a region with at most background_overlap of its pixels on any instance
//    (mask value != 0) is labelled background_label (road, buildings, sky, vegetation pieces),
//    at most max_background per image, spread evenly over the segmenter's region order.
// Regions in between (object parts, object + background) are not used.
// cf-retrieve names a region whose vote is won by background_label "unknown object".
#pragma once
#include <string>
#include <vector>

#include "synth/retrieve/exemplars.h"

namespace cf::retrieve {

struct ProposalOptions {
  double positive_iou = 0.5;
  double background_overlap = 0.05;
  int max_background = 20;
  std::string background_label = "background";
};

struct LabeledVector {
  std::string label, source;  // source: "labels/scene_000001.json#r17" (region index)
  std::vector<float> vector;
};

// `unit` must carry an instance map (scenegen). Throws cf::Error naming the file.
std::vector<LabeledVector> proposal_exemplars(const ExemplarImage& unit, const Embedder& embedder,
                                              const ProposalOptions& opt);

}  // namespace cf::retrieve
