#include "synth/common/rle.h"

#include "core/error.h"

namespace cf::synth {

RleBuilder::RleBuilder(int height, int width) {
  rle_.height = height;
  rle_.width = width;
  rle_.counts.push_back(0);  // counts alternate 0,1,0,1... starting with 0
}

Rle rle_encode(const cv::Mat& mask) {
  return rle_encode_roi(mask, cv::Rect(0, 0, mask.cols, mask.rows), mask.rows, mask.cols);
}

Rle rle_encode_roi(const cv::Mat& roi_mask, const cv::Rect& roi, int height, int width) {
  CV_Assert(roi_mask.type() == CV_8UC1 && roi_mask.size() == roi.size());
  CV_Assert(roi.x >= 0 && roi.y >= 0 && roi.x + roi.width <= width && roi.y + roi.height <= height);
  cv::Mat t;
  cv::transpose(roi_mask, t);  // columns become contiguous rows
  RleBuilder b(height, width);
  b.add(0, static_cast<uint32_t>(roi.x) * height);
  for (int x = 0; x < t.rows; ++x) {
    b.add(0, static_cast<uint32_t>(roi.y));
    const uint8_t* p = t.ptr<uint8_t>(x);
    int y = 0;
    while (y < t.cols) {
      const bool v = p[y] != 0;
      int e = y + 1;
      while (e < t.cols && (p[e] != 0) == v) ++e;
      b.add(v, static_cast<uint32_t>(e - y));
      y = e;
    }
    b.add(0, static_cast<uint32_t>(height - roi.y - roi.height));
  }
  b.add(0, static_cast<uint32_t>(width - roi.x - roi.width) * height);
  return b.finish();
}

cv::Mat rle_decode(const Rle& rle) {
  cv::Mat m(rle.height, rle.width, CV_8UC1, cv::Scalar(0));
  const int64_t h = rle.height, total = h * rle.width;
  const size_t step = m.step;
  int64_t pos = 0;
  uint8_t v = 0;
  for (uint32_t c : rle.counts) {
    if (pos + c > total) throw DataError("RLE runs exceed the mask size");
    if (v && c) {  // runs are column-major: walk down the column, wrapping to the next one
      int64_t y = pos % h, x = pos / h;
      uint8_t* p = m.data + y * step + x;
      for (uint32_t k = 0; k < c; ++k) {
        *p = 1;
        if (++y == h) {
          y = 0;
          p = m.data + ++x;
        } else {
          p += step;
        }
      }
    }
    pos += c;
    v ^= 1;
  }
  return m;
}

std::string rle_to_string(const Rle& rle) {
  std::string s;
  for (size_t i = 0; i < rle.counts.size(); ++i) {
    int64_t x = rle.counts[i];
    if (i > 2) x -= static_cast<int64_t>(rle.counts[i - 2]);
    bool more = true;
    while (more) {
      char c = static_cast<char>(x & 0x1f);
      x >>= 5;
      more = (c & 0x10) ? x != -1 : x != 0;
      if (more) c |= 0x20;
      s.push_back(static_cast<char>(c + 48));
    }
  }
  return s;
}

Rle rle_from_string(const std::string& counts, int height, int width) {
  Rle r;
  r.height = height;
  r.width = width;
  size_t p = 0;
  int64_t sum = 0;
  while (p < counts.size()) {
    int64_t x = 0;
    int k = 0;
    bool more = true;
    while (more) {
      if (p >= counts.size()) throw DataError("RLE string ends inside a count");
      const int c = counts[p] - 48;
      if (c < 0 || c > 63) throw DataError("RLE string has an invalid character");
      x |= static_cast<int64_t>(c & 0x1f) << (5 * k);
      more = (c & 0x20) != 0;
      ++p;
      ++k;
      if (!more && (c & 0x10)) x |= static_cast<int64_t>(~uint64_t{0} << (5 * k));  // sign-extend
      if (k > 12) throw DataError("RLE count too long");
    }
    if (r.counts.size() > 2) x += r.counts[r.counts.size() - 2];
    if (x < 0 || x > UINT32_MAX) throw DataError("RLE count out of range");
    r.counts.push_back(static_cast<uint32_t>(x));
    sum += x;
  }
  if (sum != static_cast<int64_t>(height) * width)
    throw DataError("RLE runs sum to " + std::to_string(sum) + ", mask has " +
                    std::to_string(static_cast<int64_t>(height) * width) + " pixels");
  return r;
}

int64_t rle_area(const Rle& rle) {
  int64_t a = 0;
  for (size_t i = 1; i < rle.counts.size(); i += 2) a += rle.counts[i];
  return a;
}

std::array<int64_t, 4> rle_bbox(const Rle& rle) {
  const int64_t h = rle.height;
  int64_t xs = rle.width, xe = 0, ys = h, ye = 0, pos = 0;
  bool any = false;
  for (size_t i = 0; i < rle.counts.size(); ++i) {
    const int64_t c = rle.counts[i];
    if (i % 2 == 1 && c > 0) {
      any = true;
      const int64_t first = pos, last = pos + c - 1;
      const int64_t x0 = first / h, x1 = last / h;
      xs = std::min(xs, x0);
      xe = std::max(xe, x1);
      if (x0 != x1) {  // the run wraps a column: it covers rows 0..h-1 somewhere
        ys = 0;
        ye = h - 1;
      } else {
        ys = std::min(ys, first % h);
        ye = std::max(ye, last % h);
      }
    }
    pos += c;
  }
  if (!any) return {0, 0, 0, 0};
  return {xs, ys, xe - xs + 1, ye - ys + 1};
}

}  // namespace cf::synth
