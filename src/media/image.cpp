#include "media/image.h"

#include "core/hash.h"

#include <algorithm>
#include <bitset>
#include <cstdlib>
#include <cstring>

#include <opencv2/img_hash.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace cf::media {
namespace {

uint32_t be16(const std::string& b, size_t i) { return (uint32_t(uint8_t(b[i])) << 8) | uint8_t(b[i + 1]); }
uint32_t be32(const std::string& b, size_t i) { return (be16(b, i) << 16) | be16(b, i + 2); }
int32_t le32(const std::string& b, size_t i) {
  uint32_t v = 0;
  for (int k = 3; k >= 0; --k) v = (v << 8) | uint8_t(b[i + k]);
  return static_cast<int32_t>(v);
}

// Walks JPEG markers to the first SOFn segment, which holds the frame size.
void jpeg_size(const std::string& b, ImageInfo& info) {
  size_t i = 2;
  while (i + 9 < b.size()) {
    if (uint8_t(b[i]) != 0xFF) return;
    uint8_t m = uint8_t(b[i + 1]);
    if (m == 0xFF) {
      ++i;
      continue;
    }
    if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
      i += 2;
      continue;
    }
    uint32_t len = be16(b, i + 2);
    bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof) {
      info.height = be16(b, i + 5);
      info.width = be16(b, i + 7);
      return;
    }
    i += 2 + len;
  }
}

bool jpeg_has_end(const std::string& b) {
  // The EOI marker ends a complete JPEG; allow a little trailing padding.
  size_t from = b.size() > 64 ? b.size() - 64 : 0;
  for (size_t i = b.size() - 1; i > from; --i)
    if (uint8_t(b[i - 1]) == 0xFF && uint8_t(b[i]) == 0xD9) return true;
  return false;
}

bool png_has_end(const std::string& b) { return b.size() >= 12 && b.compare(b.size() - 8, 4, "IEND") == 0; }

}  // namespace

const char* to_string(Format f) {
  switch (f) {
    case Format::Jpeg: return "jpeg";
    case Format::Png: return "png";
    case Format::Bmp: return "bmp";
    case Format::Webp: return "webp";
    default: return "unknown";
  }
}

ImageInfo sniff_image(const std::string& b) {
  ImageInfo info;
  if (b.size() >= 4 && uint8_t(b[0]) == 0xFF && uint8_t(b[1]) == 0xD8 && uint8_t(b[2]) == 0xFF) {
    info.format = Format::Jpeg;
    jpeg_size(b, info);
  } else if (b.size() >= 24 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) {
    info.format = Format::Png;
    info.width = be32(b, 16);
    info.height = be32(b, 20);
  } else if (b.size() >= 26 && b.compare(0, 2, "BM") == 0) {
    info.format = Format::Bmp;
    info.width = std::abs(static_cast<int64_t>(le32(b, 18)));
    info.height = std::abs(static_cast<int64_t>(le32(b, 22)));
  } else if (b.size() >= 16 && b.compare(0, 4, "RIFF") == 0 && b.compare(8, 4, "WEBP") == 0) {
    info.format = Format::Webp;
  }
  return info;
}

void set_decoder_pixel_limit(int64_t max_pixels) {
  // OpenCV reads this once, at its first decode; an explicit user setting wins.
  setenv("OPENCV_IO_MAX_IMAGE_PIXELS", std::to_string(max_pixels).c_str(), 0);
}

cv::Mat decode_image(const std::string& bytes, const ImageLimits& limits, int* orig_w, int* orig_h) {
  if (bytes.empty()) throw MediaError("empty file");
  ImageInfo info = sniff_image(bytes);
  if (info.format == Format::Unknown) throw MediaError("not a supported image (header is not JPEG, PNG, BMP or WebP)");
  if (info.width > 0 && info.height > 0 && info.width * info.height > limits.max_pixels)
    throw MediaError("image dimensions " + std::to_string(info.width) + "x" + std::to_string(info.height) +
                     " exceed media.max_pixels (" + std::to_string(limits.max_pixels) + ")");
  if (info.format == Format::Jpeg && !jpeg_has_end(bytes)) throw MediaError("truncated JPEG (no end-of-image marker)");
  if (info.format == Format::Png && !png_has_end(bytes)) throw MediaError("truncated PNG (no IEND chunk)");

  int flags = cv::IMREAD_COLOR;
  if (info.format == Format::Jpeg && info.width > 0) {
    const int64_t side = std::max(info.width, info.height);
    if (side >= 8LL * limits.max_side) flags = cv::IMREAD_REDUCED_COLOR_8;
    else if (side >= 4LL * limits.max_side) flags = cv::IMREAD_REDUCED_COLOR_4;
    else if (side >= 2LL * limits.max_side) flags = cv::IMREAD_REDUCED_COLOR_2;
  }
  cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
  cv::Mat img;
  try {
    img = cv::imdecode(raw, flags);
  } catch (const cv::Exception& e) {
    throw MediaError(std::string("decoder error: ") + e.what());
  }
  if (img.empty())
    throw MediaError(std::string("cannot decode ") + to_string(info.format) +
                     " (corrupt data or beyond the decoder's size limit)");
  if (orig_w) *orig_w = info.width > 0 ? static_cast<int>(info.width) : img.cols;
  if (orig_h) *orig_h = info.height > 0 ? static_cast<int>(info.height) : img.rows;
  return fit_max_side(img, limits.max_side);
}

cv::Mat fit_max_side(const cv::Mat& img, int max_side) {
  const int side = std::max(img.cols, img.rows);
  if (side <= max_side) return img;
  const double s = static_cast<double>(max_side) / side;
  cv::Size size(std::max(1, static_cast<int>(img.cols * s + 0.5)), std::max(1, static_cast<int>(img.rows * s + 0.5)));
  cv::Mat out;
  cv::resize(img, out, size, 0, 0, cv::INTER_AREA);
  return out;
}

std::string encode_jpeg(const cv::Mat& img, int quality) {
  std::vector<uchar> buf;
  if (!cv::imencode(".jpg", img, buf, {cv::IMWRITE_JPEG_QUALITY, quality})) throw MediaError("JPEG encoding failed");
  return std::string(buf.begin(), buf.end());
}

std::string content_hash(const cv::Mat& img) {
  cv::Mat c = img.isContinuous() ? img : img.clone();
  int shape[3] = {c.rows, c.cols, c.channels()};
  Sha256 h;
  h.add(shape, sizeof shape).add(c.data, c.total() * c.elemSize());
  return h.hex();
}

uint64_t perceptual_hash(const cv::Mat& img) {
  cv::Mat h;
  cv::img_hash::pHash(img, h);  // 1x8 CV_8U
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | h.at<uchar>(0, i);
  return v;
}

int hamming_distance(uint64_t a, uint64_t b) { return static_cast<int>(std::bitset<64>(a ^ b).count()); }

}  // namespace cf::media
