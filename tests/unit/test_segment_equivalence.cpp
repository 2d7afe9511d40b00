// cf-segment builtin backend: the fast paths give exactly what the straightforward versions
// give (they replaced them without changing any output byte): Felzenszwalb against the plain
// edge-list implementation, label-column RLEs and boxes against per-pixel masks, adjacency
// against a map count, and the squared-distance stability bound against the sqrt per pixel.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include <opencv2/imgproc.hpp>

#include "scenegen/scenegen.h"
#include "synth/segment/felzenszwalb.h"
#include "synth/segment/grouping.h"
#include "synth/segment/label_columns.h"
#include "synth/segment/mask_ops.h"

using namespace cf::segment;

namespace {

// The straightforward Felzenszwalb-Huttenlocher: an edge list sorted by quantized weight
// (stable), union-find with the lower index as root, then the min_size pass.
cv::Mat reference_felzenszwalb(const cv::Mat& img, double k, int min_size, int* n_out) {
  const int H = img.rows, W = img.cols, N = H * W;
  struct E {
    int a, b, w;
  };
  std::vector<E> edges;
  auto add = [&](int y0, int x0, int y1, int x1) {
    const cv::Vec3f p = img.at<cv::Vec3f>(y0, x0), q = img.at<cv::Vec3f>(y1, x1);
    const float d =
        std::sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]));
    edges.push_back({y0 * W + x0, y1 * W + x1, static_cast<int>(std::min(65535.0f, std::lround(d * 8.0f) * 1.0f))});
  };
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      if (x + 1 < W) add(y, x, y, x + 1);
      if (y + 1 < H) add(y, x, y + 1, x);
      if (x + 1 < W && y + 1 < H) add(y, x, y + 1, x + 1);
      if (x > 0 && y + 1 < H) add(y, x, y + 1, x - 1);
    }
  std::stable_sort(edges.begin(), edges.end(), [](const E& a, const E& b) { return a.w < b.w; });
  std::vector<int> parent(N), size(N, 1);
  std::vector<float> thr(N, static_cast<float>(k));
  for (int i = 0; i < N; ++i) parent[i] = i;
  auto find = [&](int x) {
    while (parent[x] != x) x = parent[x];
    return x;
  };
  auto join = [&](int a, int b) {
    if (b < a) std::swap(a, b);
    parent[b] = a;
    size[a] += size[b];
    return a;
  };
  for (const E& e : edges) {
    const int a = find(e.a), b = find(e.b);
    const float w = e.w / 8.0f;
    if (a == b || w > thr[a] || w > thr[b]) continue;
    const int r = join(a, b);
    thr[r] = w + static_cast<float>(k / size[r]);
  }
  for (const E& e : edges) {
    const int a = find(e.a), b = find(e.b);
    if (a != b && (size[a] < min_size || size[b] < min_size)) join(a, b);
  }
  cv::Mat labels(H, W, CV_32SC1);
  std::vector<int> remap(N, -1);
  int next = 0;
  for (int i = 0; i < N; ++i) {
    int& r = remap[find(i)];
    if (r < 0) r = next++;
    labels.at<int>(i / W, i % W) = r;
  }
  *n_out = next;
  return labels;
}

// Smoothed Lab float images as the builtin backend feeds them: scenes, noise, tiny shapes.
std::vector<cv::Mat> test_images() {
  std::vector<cv::Mat> out;
  cf::scenegen::SceneGenOptions o;
  o.width = 160;
  o.height = 90;
  for (int i = 0; i < 4; ++i) {
    cv::Mat lab;
    cv::cvtColor(cf::scenegen::render_frame(cf::scenegen::image_spec(o, i), 0.0, 0).image, lab, cv::COLOR_BGR2Lab);
    lab.convertTo(lab, CV_32FC3);
    cv::GaussianBlur(lab, lab, cv::Size(0, 0), 0.3);
    out.push_back(lab);
  }
  std::mt19937 rng(7);
  for (const cv::Size s : {cv::Size(37, 23), cv::Size(1, 1), cv::Size(9, 1), cv::Size(1, 9)}) {
    cv::Mat m(s, CV_32FC3);
    cv::theRNG().state = rng();
    cv::randu(m, 0, 40);  // noise: many equal-weight ties and small components
    out.push_back(m);
  }
  return out;
}

// A label map with blobs of labels 0..n-1 (nearest-upscaled, as the backend's full-size map).
cv::Mat random_labels(int n, cv::Size small, cv::Size full, unsigned seed) {
  std::mt19937 rng(seed);
  cv::Mat l(small, CV_32SC1);
  for (int y = 0; y < l.rows; ++y)
    for (int x = 0; x < l.cols; ++x)
      l.at<int>(y, x) = (x > 0 && rng() % 3) ? l.at<int>(y, x - 1) : static_cast<int>(rng() % n);
  cv::Mat out;
  cv::resize(l, out, full, 0, 0, cv::INTER_NEAREST);
  return out;
}

}  // namespace

TEST(SegmentEquivalence, FelzenszwalbEqualsStraightforwardVersion) {
  for (const cv::Mat& img : test_images())
    for (const auto& [k, min_size] : {std::pair{50.0, 20}, std::pair{10.0, 1}, std::pair{300.0, 5}}) {
      int n = 0, n_ref = 0;
      const cv::Mat got = felzenszwalb(img, k, min_size, &n);
      const cv::Mat want = reference_felzenszwalb(img, k, min_size, &n_ref);
      ASSERT_EQ(n, n_ref) << img.size() << " k " << k;
      EXPECT_EQ(cv::countNonZero(got != want), 0) << img.size() << " k " << k;
    }
}

TEST(SegmentEquivalence, LabelColumnsEqualMaskEncoding) {
  const int n = 12;
  for (unsigned seed = 1; seed <= 6; ++seed) {
    const cv::Mat labels =
        random_labels(n, cv::Size(15 + seed, 9 + seed), cv::Size(2 * (15 + seed), 2 * (9 + seed) + 1), seed);
    const LabelColumns columns(labels);
    const std::vector<cv::Rect> boxes = columns.boxes(n + 1);  // label n is absent
    std::mt19937 rng(seed);
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<uint8_t> member(n, 0);
      for (int l = 0; l < n; ++l) member[l] = rng() % 4 == 0;
      cv::Mat mask(labels.size(), CV_8UC1);
      cv::Rect roi;
      for (int y = 0; y < labels.rows; ++y)
        for (int x = 0; x < labels.cols; ++x) {
          const int l = labels.at<int>(y, x);
          mask.at<uint8_t>(y, x) = member[l];
          if (member[l]) roi |= cv::Rect(x, y, 1, 1);
        }
      const auto want = cf::synth::rle_encode(mask);
      EXPECT_EQ(columns.encode(member, roi.x, roi.x + roi.width).counts, want.counts);
      EXPECT_EQ(columns.encode(member, 0, labels.cols).counts, want.counts);
    }
    for (int l = 0; l <= n; ++l) {
      cv::Rect want;
      for (int y = 0; y < labels.rows; ++y)
        for (int x = 0; x < labels.cols; ++x)
          if (labels.at<int>(y, x) == l) want |= cv::Rect(x, y, 1, 1);
      EXPECT_EQ(boxes[l], want) << "label " << l;
    }
  }
}

TEST(SegmentEquivalence, AdjacencyEqualsMapCountAndFollowsMerges) {
  const int n = 9;
  for (unsigned seed = 1; seed <= 4; ++seed) {
    cv::Mat labels = random_labels(n, cv::Size(30, 20), cv::Size(30, 20), seed);
    std::map<std::pair<int, int>, int64_t> want;
    for (int y = 0; y < labels.rows; ++y)
      for (int x = 0; x < labels.cols; ++x) {
        const int p = labels.at<int>(y, x);
        if (x + 1 < labels.cols && p != labels.at<int>(y, x + 1))
          ++want[{std::min(p, labels.at<int>(y, x + 1)), std::max(p, labels.at<int>(y, x + 1))}];
        if (y + 1 < labels.rows && p != labels.at<int>(y + 1, x))
          ++want[{std::min(p, labels.at<int>(y + 1, x)), std::max(p, labels.at<int>(y + 1, x))}];
      }
    Adjacency adj = label_adjacency(labels, n);
    EXPECT_EQ(adj, Adjacency(want.begin(), want.end()));
    cv::Mat img(labels.size(), CV_32FC3);  // colours close for even labels: some merge
    for (int y = 0; y < labels.rows; ++y)
      for (int x = 0; x < labels.cols; ++x) {
        const int l = labels.at<int>(y, x);
        img.at<cv::Vec3f>(y, x) = l % 2 ? cv::Vec3f(10.f * l, 0, 0) : cv::Vec3f(1.f * l, 0, 0);
      }
    const int m = merge_similar(labels, adj, img, n, 12);
    EXPECT_LT(m, n);
    EXPECT_EQ(adj, label_adjacency(labels, m));
  }
}

TEST(SegmentEquivalence, SquaredDistanceBoundEqualsSqrtThreshold) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0.0, 1000.0);
  for (const double tau : {20.0, 7.5, 0.0})
    for (const float t : {5.0f, -5.0f, 0.0f, 19.99f}) {
      const double bound = squared_distance_bound(tau, t);
      auto check = [&](double q) {
        EXPECT_EQ(static_cast<float>(tau - std::sqrt(q)) > t, q < bound) << tau << " " << t << " " << q;
      };
      double lo = bound, hi = bound;  // the neighbourhood of the bound, ulp by ulp
      for (int i = 0; i < 64; ++i) {
        check(lo), check(hi);
        lo = std::nextafter(lo, 0.0), hi = std::nextafter(hi, HUGE_VAL);
      }
      for (int i = 0; i < 2000; ++i) check(u(rng));
      check(0.0);
    }
}
