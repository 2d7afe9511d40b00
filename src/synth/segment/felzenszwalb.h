// Felzenszwalb-Huttenlocher graph segmentation ("Efficient Graph-Based Image Segmentation",
// IJCV 2004) on an 8-connected pixel grid. Same algorithm as cv::ximgproc::segmentation::
// GraphSegmentation, which takes ~50 ms on a 320x180 image (float edges, comparison sort);
// this one quantizes edge weights to 1/8 units and counting-sorts them (~3 ms), which is what
// lets the builtin backend stay near 10 ms per image.
#pragma once
#include <opencv2/core.hpp>

namespace cf::segment {

// `img`: CV_32FC3 (already smoothed). Merges components while the edge weight (Euclidean
// colour distance) is <= min internal difference + k / size; then merges components smaller
// than `min_size` into a neighbour. Returns CV_32SC1 labels 0..n-1 numbered in raster order of
// first appearance; `n` receives the count.
cv::Mat felzenszwalb(const cv::Mat& img, double k, int min_size, int* n);

}  // namespace cf::segment
