// Region grouping over a label map (the builtin backend's second half):
//  - merge_similar: greedy merging of adjacent segments whose mean colours are close;
//  - group_hierarchy: selective-search style hierarchical grouping (Uijlings et al. 2013,
//    without the texture term): repeatedly merge the adjacent pair with the highest
//    colour + size + fill similarity, so objects made of several flat parts (a car's body,
//    windows, wheels) appear as one node. Every node is a candidate region.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

namespace cf::segment {

// Boundary lengths between adjacent labels a < b of `labels` (CV_32SC1, 0..n-1; pixel pairs
// in the 4-neighbourhood), as ((a, b), length) sorted by (a, b).
using Adjacency = std::vector<std::pair<std::pair<int, int>, int64_t>>;
Adjacency label_adjacency(const cv::Mat& labels, int n);

// Relabels `labels` (CV_32SC1, 0..n-1) after merging adjacent segments whose mean `img`
// (CV_32FC3) colours are closer than `max_dist`, closest pairs first; returns the new count.
// `adj` is label_adjacency(labels, n) on input and is updated to the new labels.
int merge_similar(cv::Mat& labels, Adjacency& adj, const cv::Mat& img, int n, double max_dist);

struct GroupingOptions {
  double color_scale = 40;                     // colour similarity 1 - distance / color_scale (clamped at 0)
  double growth = 1.25;                        // a merged node is a candidate when its area is >= growth x the
                                               // largest candidate inside it (skips near-duplicates)
  int64_t min_area = 0, max_area = INT64_MAX;  // candidate area range, working pixels
};

struct Group {
  std::vector<int> leaves;  // label ids of the node
  int64_t area = 0;
  cv::Vec3d mean;       // mean colour
  double contrast = 0;  // boundary-weighted mean colour distance to the node's neighbours
};

// Candidates (leaves and merged nodes) in creation order: leaves by label, then merges.
// `adj`: label_adjacency(labels, n).
std::vector<Group> group_hierarchy(const cv::Mat& labels, const Adjacency& adj, const cv::Mat& img, int n,
                                   const GroupingOptions& opt);

}  // namespace cf::segment
