// COCO compressed RLE (the `counts` string of pycocotools) <-> binary masks.
// Runs are column-major (Fortran order, as COCO stores them) and start with a background run.
// cf-segment writes region masks this way; cf-retrieve decodes them to crop regions.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace cf::retrieve {

// Run lengths <-> the compressed ASCII string (LEB128-like 6-bit chunks, delta from run i-2).
std::string rle_counts_to_string(const std::vector<uint32_t>& counts);
// Throws cf::DataError on a malformed string.
std::vector<uint32_t> rle_counts_from_string(const std::string& s);

// CV_8U mask (0 or 1) of height x width; throws cf::DataError when the runs do not sum to h*w.
cv::Mat rle_decode(const std::string& counts, int height, int width);
// Any nonzero pixel of a CV_8U mask is foreground.
std::string rle_encode(const cv::Mat& mask);

}  // namespace cf::retrieve
