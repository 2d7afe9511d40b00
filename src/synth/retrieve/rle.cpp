#include "synth/retrieve/rle.h"

#include "core/error.h"

namespace cf::retrieve {

std::string rle_counts_to_string(const std::vector<uint32_t>& counts) {
  std::string s;
  for (size_t i = 0; i < counts.size(); ++i) {
    int64_t x = counts[i];
    if (i > 2) x -= counts[i - 2];
    bool more = true;
    while (more) {
      int64_t c = x & 0x1f;
      x >>= 5;  // arithmetic shift keeps the sign of negative deltas
      more = (c & 0x10) ? x != -1 : x != 0;
      if (more) c |= 0x20;
      s.push_back(static_cast<char>(c + 48));
    }
  }
  return s;
}

std::vector<uint32_t> rle_counts_from_string(const std::string& s) {
  std::vector<uint32_t> counts;
  size_t p = 0;
  while (p < s.size()) {
    int64_t x = 0;
    int k = 0;
    bool more = true;
    while (more) {
      if (p >= s.size()) throw DataError("RLE counts string ends inside a run");
      const int64_t c = static_cast<unsigned char>(s[p]) - 48;
      if (c < 0 || c > 63) throw DataError("RLE counts string has an invalid character");
      if (k > 12) throw DataError("RLE counts string has an overlong run");
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) != 0;
      ++p;
      ++k;
      if (!more && (c & 0x10)) x |= -(int64_t{1} << (5 * k));
    }
    if (counts.size() > 2) x += counts[counts.size() - 2];
    if (x < 0 || x > UINT32_MAX) throw DataError("RLE counts string has a negative run");
    counts.push_back(static_cast<uint32_t>(x));
  }
  return counts;
}

cv::Mat rle_decode(const std::string& s, int height, int width) {
  const auto counts = rle_counts_from_string(s);
  const int64_t n = int64_t{height} * width;
  int64_t total = 0;
  for (auto c : counts) total += c;
  if (total != n)
    throw DataError("RLE runs cover " + std::to_string(total) + " pixels, mask " +
                    std::to_string(width) + "x" + std::to_string(height) + " has " +
                    std::to_string(n));
  // Column-major: fill the transpose row by row, then transpose back.
  cv::Mat t(width, height, CV_8U, cv::Scalar(0));
  uint8_t* d = t.ptr<uint8_t>();
  int64_t pos = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (i % 2 == 1) std::fill(d + pos, d + pos + counts[i], uint8_t{1});
    pos += counts[i];
  }
  cv::Mat m;
  cv::transpose(t, m);
  return m;
}

std::string rle_encode(const cv::Mat& mask) {
  cv::Mat t;
  cv::transpose(mask, t);
  t = t.clone();
  const uint8_t* d = t.ptr<uint8_t>();
  const int64_t n = static_cast<int64_t>(t.total());
  std::vector<uint32_t> counts;
  uint8_t cur = 0;
  uint32_t run = 0;
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t v = d[i] ? 1 : 0;
    if (v != cur) {
      counts.push_back(run);
      run = 0;
      cur = v;
    }
    ++run;
  }
  counts.push_back(run);
  return rle_counts_to_string(counts);
}

}  // namespace cf::retrieve
