// Image decoding with integrity checks, resizing, JPEG encoding and content hashes (OpenCV).
// Every failure is a MediaError whose message is the reason recorded in the failure table.
#pragma once
#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

#include "core/error.h"

namespace cf::media {

class MediaError : public Error {
 public:
  using Error::Error;
};

enum class Format { Unknown, Jpeg, Png, Bmp, Webp };
const char* to_string(Format f);

// Format and dimensions read from the header alone (width/height 0 when not parsed).
struct ImageInfo {
  Format format = Format::Unknown;
  int64_t width = 0, height = 0;
};
ImageInfo sniff_image(const std::string& bytes);

struct ImageLimits {
  int max_side = 640;                // longest side after resizing
  int64_t max_pixels = 100'000'000;  // larger sources are refused before decoding
};

// Checks and decodes `bytes` to 8-bit BGR, scaled so the longest side is <= max_side.
// JPEGs much larger than max_side decode at 1/2, 1/4 or 1/8 scale inside libjpeg (cheaper).
// `orig_w`/`orig_h` receive the source dimensions.
cv::Mat decode_image(const std::string& bytes, const ImageLimits& limits, int* orig_w, int* orig_h);

// Shrinks (INTER_AREA) so the longest side is <= max_side; never enlarges.
cv::Mat fit_max_side(const cv::Mat& img, int max_side);
std::string encode_jpeg(const cv::Mat& img, int quality);

// SHA-256 (hex) of the pixels and their shape: equal for identical content in any file format.
std::string content_hash(const cv::Mat& img);
// 64-bit DCT perceptual hash (OpenCV img_hash::PHash).
uint64_t perceptual_hash(const cv::Mat& img);
int hamming_distance(uint64_t a, uint64_t b);

// Sets OpenCV's own decoder pixel limit; call before the first decode in the process.
void set_decoder_pixel_limit(int64_t max_pixels);

}  // namespace cf::media
