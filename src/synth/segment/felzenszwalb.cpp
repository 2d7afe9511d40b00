#include "synth/segment/felzenszwalb.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace cf::segment {
namespace {

struct Forest {
  std::vector<int> parent, size;
  std::vector<float> internal;  // max edge weight inside the component (its MST)
  explicit Forest(int n) : parent(static_cast<size_t>(n)), size(static_cast<size_t>(n), 1), internal(static_cast<size_t>(n), 0.f) {
    for (int i = 0; i < n; ++i) parent[static_cast<size_t>(i)] = i;
  }
  int find(int x) {
    while (parent[static_cast<size_t>(x)] != x) x = parent[static_cast<size_t>(x)] = parent[static_cast<size_t>(parent[static_cast<size_t>(x)])];
    return x;
  }
  int join(int a, int b, float w) {  // roots a, b; the lower index becomes the root
    if (b < a) std::swap(a, b);
    parent[static_cast<size_t>(b)] = a;
    size[static_cast<size_t>(a)] += size[static_cast<size_t>(b)];
    internal[static_cast<size_t>(a)] = w;
    return a;
  }
};

}  // namespace

cv::Mat felzenszwalb(const cv::Mat& img, double k, int min_size, int* n_out) {
  CV_Assert(img.type() == CV_32FC3);
  const int H = img.rows, W = img.cols, N = H * W;
  // Edges (a, b, quantized weight): right, down, down-right, down-left.
  constexpr float kQuant = 8.0f;
  std::vector<int> ea, eb;
  std::vector<uint16_t> ew;
  ea.reserve(static_cast<size_t>(N) * 4), eb.reserve(static_cast<size_t>(N) * 4), ew.reserve(static_cast<size_t>(N) * 4);
  auto add = [&](int y0, int x0, int y1, int x1) {
    const cv::Vec3f& p = img.at<cv::Vec3f>(y0, x0);
    const cv::Vec3f& q = img.at<cv::Vec3f>(y1, x1);
    const float d = std::sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]));
    ea.push_back(y0 * W + x0), eb.push_back(y1 * W + x1);
    ew.push_back(static_cast<uint16_t>(std::min(65535.0f, std::lround(d * kQuant) * 1.0f)));
  };
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      if (x + 1 < W) add(y, x, y, x + 1);
      if (y + 1 < H) add(y, x, y + 1, x);
      if (x + 1 < W && y + 1 < H) add(y, x, y + 1, x + 1);
      if (x > 0 && y + 1 < H) add(y, x, y + 1, x - 1);
    }
  // Counting sort by weight (stable: ties keep raster order, so the result is deterministic).
  std::vector<uint32_t> start(65537, 0);
  for (uint16_t w : ew) ++start[w + 1u];
  for (size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
  std::vector<uint32_t> order(ew.size());
  for (uint32_t e = 0; e < ew.size(); ++e) order[start[ew[e]]++] = e;

  Forest f(N);
  std::vector<float> thr(static_cast<size_t>(N), static_cast<float>(k));  // internal + k / size
  for (uint32_t e : order) {
    int a = f.find(ea[e]), b = f.find(eb[e]);
    if (a == b) continue;
    const float w = ew[e] / kQuant;
    if (w <= thr[static_cast<size_t>(a)] && w <= thr[static_cast<size_t>(b)]) {
      const int r = f.join(a, b, w);
      thr[static_cast<size_t>(r)] = w + static_cast<float>(k / f.size[static_cast<size_t>(r)]);
    }
  }
  for (uint32_t e : order) {  // small components join their cheapest neighbour
    int a = f.find(ea[e]), b = f.find(eb[e]);
    if (a != b && (f.size[static_cast<size_t>(a)] < min_size || f.size[static_cast<size_t>(b)] < min_size))
      f.join(a, b, ew[e] / kQuant);
  }
  cv::Mat labels(H, W, CV_32SC1);
  std::vector<int> remap(static_cast<size_t>(N), -1);
  int next = 0;
  for (int i = 0; i < N; ++i) {
    int& r = remap[static_cast<size_t>(f.find(i))];
    if (r < 0) r = next++;
    labels.at<int>(i / W, i % W) = r;
  }
  *n_out = next;
  return labels;
}

}  // namespace cf::segment
