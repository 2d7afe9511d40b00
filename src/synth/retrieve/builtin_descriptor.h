// The "builtin" region descriptor: a deterministic, weight-free embedding of a masked region.
// Blocks (each L2-normalized, weighted, then the whole vector L2-normalized):
//   color  joint CIE Lab histogram of the region's pixels (4 L x 5 a x 5 b, Hellinger)
//   bands  mean L, a, b and spread of L in six horizontal bands of the box (top to bottom)
//   mask   8x8 occupancy grid of the mask inside its box (the silhouette)
//   grad   gradient orientation histograms (9 unsigned bins) in 2x2 cells of the box
//   shape  aspect ratio, fill ratio, 7 Hu moments, size and position relative to the image,
//          size relative to the base's distance below an assumed horizon (a metric-size proxy)
#pragma once
#include <vector>

#include "synth/retrieve/embedder.h"

namespace cf::retrieve {

inline constexpr int kBuiltinColorDim = 4 * 5 * 5, kBuiltinBands = 6, kBuiltinBandDim = kBuiltinBands * 4,
                     kBuiltinMaskDim = 64, kBuiltinGradDim = 4 * 9, kBuiltinShapeDim = 17;
inline constexpr int kBuiltinDim =
    kBuiltinColorDim + kBuiltinBandDim + kBuiltinMaskDim + kBuiltinGradDim + kBuiltinShapeDim;

// Throws cf::Error when the region has no mask pixels.
std::vector<float> builtin_descriptor(const Region& region);
// builtin_descriptor of each region; all regions show one image, converted to Lab/grey once.
std::vector<std::vector<float>> builtin_descriptors(const std::vector<Region>& regions);

}  // namespace cf::retrieve
