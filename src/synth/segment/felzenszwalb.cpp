#include "synth/segment/felzenszwalb.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace cf::segment {
namespace {

// Disjoint sets where every element points straight at its set's representative, so that
// find() is one load (no loop, no mispredicted branch: it runs twice per edge). A join
// relabels the smaller set, walking its member list: O(n log n) relabels in total. Which
// element represents a set never matters: thresholds and sizes are per set, and the labels
// are numbered in raster order.
struct Sets {
  std::vector<int> rep, size, next, last;  // next: member list (-1 ends), last: its tail per rep
  explicit Sets(int n)
      : rep(static_cast<size_t>(n)), size(static_cast<size_t>(n), 1), next(static_cast<size_t>(n), -1), last(rep) {
    for (int i = 0; i < n; ++i) rep[static_cast<size_t>(i)] = last[static_cast<size_t>(i)] = i;
  }
  int find(int x) const { return rep[static_cast<size_t>(x)]; }
  int join(int a, int b) {  // representatives a != b; returns the new one
    if (size[static_cast<size_t>(a)] < size[static_cast<size_t>(b)]) std::swap(a, b);
    for (int x = b; x >= 0; x = next[static_cast<size_t>(x)]) rep[static_cast<size_t>(x)] = a;
    next[static_cast<size_t>(last[static_cast<size_t>(a)])] = b;
    last[static_cast<size_t>(a)] = last[static_cast<size_t>(b)];
    size[static_cast<size_t>(a)] += size[static_cast<size_t>(b)];
    return a;
  }
};

constexpr float kQuant = 8.0f;  // edge weights are stored in 1/8 units

// std::lround(d * kQuant) clamped to 16 bits, for d >= 0, without the libm call: below 2^16
// the truncation i is floor(x) and x - i is exact in float, so comparing it with 0.5 rounds
// half away from zero like lround.
uint16_t quantize(float d) {
  const float x = d * kQuant;
  if (!(x < 65535.0f)) return 65535;
  const int i = static_cast<int>(x);
  return static_cast<uint16_t>(i + (x - static_cast<float>(i) >= 0.5f ? 1 : 0));
}

float distance(const cv::Vec3f& p, const cv::Vec3f& q) {
  return std::sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]));
}

// Edges of the 8-connected grid sorted by quantized weight, ties in raster order of (pixel,
// direction right, down, down-right, down-left); `first[w]` is where weight w starts. An edge
// is stored as pixel * 4 + direction (4 bytes: less memory traffic than two pixel indices).
struct SortedEdges {
  std::vector<uint32_t> edges;
  std::vector<uint32_t> first;
  int offset[4];  // pixel index of the far end minus the near one, per direction
  int a(uint32_t e) const { return static_cast<int>(e >> 2); }
  int b(uint32_t e) const { return a(e) + offset[e & 3]; }
};

SortedEdges sorted_edges(const cv::Mat& img) {
  const int H = img.rows, W = img.cols;
  CV_Assert(static_cast<int64_t>(H) * W < (int64_t{1} << 30));
  const size_t count = static_cast<size_t>(std::max(0, H * (W - 1) + (H - 1) * W + 2 * (H - 1) * (W - 1)));
  std::vector<uint32_t> ids(count);
  std::vector<uint16_t> weight(count);
  std::vector<uint32_t> first(65537, 0);  // edges per weight, shifted by one (counting sort)
  size_t e = 0;
  auto add = [&](int a, uint32_t dir, const cv::Vec3f& p, const cv::Vec3f& q) {
    ids[e] = static_cast<uint32_t>(a) * 4 + dir;
    weight[e] = quantize(distance(p, q));
    ++first[weight[e++] + 1u];
  };
  for (int y = 0; y < H; ++y) {
    const cv::Vec3f* p = img.ptr<cv::Vec3f>(y);
    const cv::Vec3f* q = y + 1 < H ? img.ptr<cv::Vec3f>(y + 1) : nullptr;
    for (int x = 0; x < W; ++x) {
      const int a = y * W + x;
      if (x + 1 < W) add(a, 0, p[x], p[x + 1]);
      if (!q) continue;
      add(a, 1, p[x], q[x]);
      if (x + 1 < W) add(a, 2, p[x], q[x + 1]);
      if (x > 0) add(a, 3, p[x], q[x - 1]);
    }
  }
  CV_Assert(e == count);
  // Counting sort by weight (stable: ties keep raster order, so the result is deterministic).
  size_t top = first.size() - 1;  // buckets above the largest weight are empty: drop them
  while (top > 1 && first[top] == 0) --top;
  first.resize(top + 1);
  for (size_t i = 1; i < first.size(); ++i) first[i] += first[i - 1];
  SortedEdges s{{}, std::move(first), {1, W, W + 1, W - 1}};
  std::vector<uint32_t> next(s.first.begin(), s.first.end() - 1);
  s.edges.resize(count);
  for (size_t i = 0; i < count; ++i) s.edges[next[weight[i]]++] = ids[i];
  return s;
}

}  // namespace

cv::Mat felzenszwalb(const cv::Mat& img, double k, int min_size, int* n_out) {
  CV_Assert(img.type() == CV_32FC3);
  const int H = img.rows, W = img.cols, N = H * W;
  const SortedEdges s = sorted_edges(img);
  Sets f(N);
  std::vector<float> thr(static_cast<size_t>(N), static_cast<float>(k));  // internal + k / size
  for (size_t w = 0; w + 1 < s.first.size(); ++w) {
    const float weight = static_cast<float>(w) / kQuant;
    for (uint32_t e = s.first[w]; e < s.first[w + 1]; ++e) {
      const int a = f.find(s.a(s.edges[e])), b = f.find(s.b(s.edges[e]));
      // One branch instead of three short-circuit ones (each is hard to predict).
      const bool merge = (a != b) & (weight <= thr[static_cast<size_t>(a)]) & (weight <= thr[static_cast<size_t>(b)]);
      if (!merge) continue;
      const int r = f.join(a, b);
      thr[static_cast<size_t>(r)] = weight + static_cast<float>(k / f.size[static_cast<size_t>(r)]);
    }
  }
  // Small components join their cheapest neighbour. Sets only grow, so an edge between two
  // pixels whose components are already >= min_size never joins anything: skip those.
  std::vector<uint8_t> small(static_cast<size_t>(N));
  for (int i = 0; i < N; ++i) small[static_cast<size_t>(i)] = f.size[static_cast<size_t>(f.find(i))] < min_size;
  std::vector<uint32_t> touching(s.edges.size());  // edges touching a small component, in order
  size_t m = 0;
  for (uint32_t e : s.edges) {
    touching[m] = e;
    m += small[static_cast<size_t>(s.a(e))] | small[static_cast<size_t>(s.b(e))];  // no branch
  }
  touching.resize(m);
  for (uint32_t e : touching) {
    const int a = f.find(s.a(e)), b = f.find(s.b(e));
    if (a != b && (f.size[static_cast<size_t>(a)] < min_size || f.size[static_cast<size_t>(b)] < min_size))
      f.join(a, b);
  }
  cv::Mat labels(H, W, CV_32SC1);
  std::vector<int> remap(static_cast<size_t>(N), -1);
  int next = 0;
  for (int y = 0; y < H; ++y) {
    int* l = labels.ptr<int>(y);
    for (int x = 0; x < W; ++x) {
      int& r = remap[static_cast<size_t>(f.find(y * W + x))];
      if (r < 0) r = next++;
      l[x] = r;
    }
  }
  *n_out = next;
  return labels;
}

}  // namespace cf::segment
