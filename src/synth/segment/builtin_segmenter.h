// The built-in segmentation backend (no model weights): Felzenszwalb-Huttenlocher graph
// segmentation of a downscaled Lab image (CLAHE on L, Gaussian smoothing), greedy merging of adjacent
// segments with similar mean colour, then selective-search hierarchical grouping (grouping.h):
// every leaf and every merged node within the area range is a region, so regions overlap
// (nested, like SAM's multi-granularity masks). Scores:
//  - predicted_iou: colour contrast of the region to its neighbours, c / (c + contrast_scale),
//    with c the boundary-length-weighted mean Lab distance between the region's mean colour and
//    its neighbours' means (a well-separated region is likely a whole object);
//  - stability_score: SAM's stability score of the soft map tau - |lab(x) - mean| over the
//    region's box (grown by half its size), thresholded at 0 +- stability_offset: 1 when the
//    region's colour is uniform and sharply separated from its surroundings.
#pragma once
#include "synth/segment/segmenter.h"

namespace cf::segment {

struct BuiltinOptions {
  int max_side = 320;                // working resolution (longest side), pixels
  double clahe_clip = 2.0;           // CLAHE clip limit on L (0 = off)
  int clahe_tiles = 8;               // CLAHE tiles per side
  double sigma = 0.3;                // Gaussian smoothing inside the graph segmentation
  double k = 50;                     // Felzenszwalb scale parameter (larger: larger segments)
  int min_size = 20;                 // smallest graph segment, working pixels
  double merge_distance = 12;        // merge adjacent regions whose mean Lab colours are closer
  double group_color_scale = 5;      // grouping colour similarity scale (Lab); small = group by
                                     // size and fill (objects are multi-coloured parts)
  double group_growth = 1.3;         // a merged node must be this much larger than what it holds
  double min_area_fraction = 0.003;  // drop regions smaller than this fraction of the image
  double max_area_fraction = 0.35;   // drop larger ones (sky, road, buildings)
  double contrast_scale = 20;        // predicted_iou = c / (c + contrast_scale)
  double stability_tau = 20;         // soft map tau - |lab - mean| (Lab units, 8-bit scale)
  double stability_offset = 5;
};

class BuiltinSegmenter : public Segmenter {
 public:
  explicit BuiltinSegmenter(BuiltinOptions options) : opt_(options) {}
  std::vector<Region> segment(const cv::Mat& bgr) override;

 private:
  BuiltinOptions opt_;
};

}  // namespace cf::segment
