#include "synth/segment/grouping.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <queue>
#include <tuple>

namespace cf::segment {
namespace {

struct Stats {
  cv::Vec3d sum;
  int64_t n = 0;
  cv::Vec3d mean() const { return n ? sum / static_cast<double>(n) : cv::Vec3d(); }
};

std::vector<Stats> leaf_stats(const cv::Mat& labels, const cv::Mat& img, int n) {
  std::vector<Stats> st(static_cast<size_t>(n));
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    const cv::Vec3f* c = img.ptr<cv::Vec3f>(y);
    for (int x = 0; x < labels.cols; ++x) {
      st[static_cast<size_t>(l[x])].sum += cv::Vec3d(c[x][0], c[x][1], c[x][2]);
      ++st[static_cast<size_t>(l[x])].n;
    }
  }
  return st;
}

// Boundary lengths between labels a < b (4-neighbourhood), sorted by (a, b).
std::map<std::pair<int, int>, int64_t> adjacency(const cv::Mat& labels) {
  std::vector<int64_t> keys;
  const int64_t stride = 1 << 20;
  for (int y = 0; y < labels.rows; ++y) {
    const int* p = labels.ptr<int>(y);
    const int* q = y + 1 < labels.rows ? labels.ptr<int>(y + 1) : nullptr;
    for (int x = 0; x < labels.cols; ++x) {
      if (x + 1 < labels.cols && p[x] != p[x + 1]) keys.push_back(std::min(p[x], p[x + 1]) * stride + std::max(p[x], p[x + 1]));
      if (q && p[x] != q[x]) keys.push_back(std::min(p[x], q[x]) * stride + std::max(p[x], q[x]));
    }
  }
  std::sort(keys.begin(), keys.end());
  std::map<std::pair<int, int>, int64_t> adj;
  for (size_t i = 0; i < keys.size();) {
    size_t j = i;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    adj.emplace(std::make_pair(static_cast<int>(keys[i] / stride), static_cast<int>(keys[i] % stride)), j - i);
    i = j;
  }
  return adj;
}

int find(std::vector<int>& parent, int x) {
  while (parent[static_cast<size_t>(x)] != x) x = parent[static_cast<size_t>(x)] = parent[static_cast<size_t>(parent[static_cast<size_t>(x)])];
  return x;
}

}  // namespace

int merge_similar(cv::Mat& labels, const cv::Mat& img, int n, double max_dist) {
  auto st = leaf_stats(labels, img, n);
  struct Edge { double d; int a, b; };
  std::vector<Edge> edges;
  for (const auto& [ab, len] : adjacency(labels))
    edges.push_back({cv::norm(st[ab.first].mean() - st[ab.second].mean()), ab.first, ab.second});
  std::stable_sort(edges.begin(), edges.end(), [](const Edge& x, const Edge& y) { return x.d < y.d; });
  std::vector<int> parent(static_cast<size_t>(n));
  std::iota(parent.begin(), parent.end(), 0);
  for (const Edge& e : edges) {
    if (e.d >= max_dist) break;
    int a = find(parent, e.a), b = find(parent, e.b);
    if (a == b || cv::norm(st[a].mean() - st[b].mean()) >= max_dist) continue;
    if (b < a) std::swap(a, b);
    parent[static_cast<size_t>(b)] = a;
    st[a].sum += st[b].sum;
    st[a].n += st[b].n;
  }
  std::vector<int> remap(static_cast<size_t>(n), -1);
  int next = 0;
  for (int y = 0; y < labels.rows; ++y) {
    int* l = labels.ptr<int>(y);
    for (int x = 0; x < labels.cols; ++x) {
      int& r = remap[static_cast<size_t>(find(parent, l[x]))];
      if (r < 0) r = next++;
      l[x] = r;
    }
  }
  return next;
}

std::vector<Group> group_hierarchy(const cv::Mat& labels, const cv::Mat& img, int n,
                                   const GroupingOptions& opt) {
  struct Node {
    Stats st;
    cv::Rect box;
    std::map<int, int64_t> nbr;  // neighbour node -> shared boundary length
    int a = -1, b = -1;          // children (-1 for leaves)
    int64_t ref = 0;             // largest candidate area inside
    bool alive = true;
  };
  std::vector<Node> nodes(static_cast<size_t>(n));
  auto st = leaf_stats(labels, img, n);
  std::vector<int> x0(n, INT32_MAX), y0(n, INT32_MAX), x1(n, -1), y1(n, -1);
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    for (int x = 0; x < labels.cols; ++x) {
      const int r = l[x];
      x0[r] = std::min(x0[r], x), x1[r] = std::max(x1[r], x), y0[r] = std::min(y0[r], y), y1[r] = std::max(y1[r], y);
    }
  }
  for (int i = 0; i < n; ++i) {
    nodes[i].st = st[i];
    nodes[i].box = cv::Rect(x0[i], y0[i], x1[i] - x0[i] + 1, y1[i] - y0[i] + 1);
  }
  for (const auto& [ab, len] : adjacency(labels)) {
    nodes[ab.first].nbr[ab.second] = len;
    nodes[ab.second].nbr[ab.first] = len;
  }
  const double A = static_cast<double>(labels.total());
  auto contrast = [&](const Node& nd) {
    double s = 0, l = 0;
    for (const auto& [o, len] : nd.nbr) s += cv::norm(nd.st.mean() - nodes[o].st.mean()) * len, l += len;
    return l > 0 ? s / l : 0.0;
  };
  auto sim = [&](int a, int b) {
    const Node &p = nodes[a], &q = nodes[b];
    const double col = std::max(0.0, 1.0 - cv::norm(p.st.mean() - q.st.mean()) / opt.color_scale);
    const double size = 1.0 - static_cast<double>(p.st.n + q.st.n) / A;
    const double fill = 1.0 - (static_cast<double>((p.box | q.box).area()) - p.st.n - q.st.n) / A;
    return col + size + fill;
  };
  std::vector<Group> out;
  auto consider = [&](int id) {
    Node& nd = nodes[id];
    int64_t inner = nd.a < 0 ? 0 : std::max(nodes[nd.a].ref, nodes[nd.b].ref);
    const bool ok = nd.st.n >= opt.min_area && nd.st.n <= opt.max_area &&
                    (nd.a < 0 || static_cast<double>(nd.st.n) >= opt.growth * static_cast<double>(inner));
    nd.ref = ok ? nd.st.n : inner;
    if (!ok) return;
    Group g;
    std::vector<int> stack{id};
    while (!stack.empty()) {
      const int k = stack.back();
      stack.pop_back();
      if (nodes[k].a < 0) g.leaves.push_back(k);
      else stack.push_back(nodes[k].a), stack.push_back(nodes[k].b);
    }
    std::sort(g.leaves.begin(), g.leaves.end());
    g.area = nd.st.n;
    g.mean = nd.st.mean();
    g.contrast = contrast(nd);
    out.push_back(std::move(g));
  };
  for (int i = 0; i < n; ++i) consider(i);
  // Max-heap of (similarity, -a, -b): ties go to the lowest ids, so the order is deterministic.
  using Item = std::tuple<double, int, int>;
  std::priority_queue<Item> heap;
  for (int i = 0; i < n; ++i)
    for (const auto& [j, len] : nodes[i].nbr)
      if (j > i) heap.emplace(sim(i, j), -i, -j);
  while (!heap.empty()) {
    const auto [s, na, nb] = heap.top();
    heap.pop();
    const int ba = -na, bb = -nb;
    if (!nodes[ba].alive || !nodes[bb].alive) continue;
    Node m;
    m.st.sum = nodes[ba].st.sum + nodes[bb].st.sum;
    m.st.n = nodes[ba].st.n + nodes[bb].st.n;
    m.box = nodes[ba].box | nodes[bb].box;
    m.a = ba, m.b = bb;
    const int id = static_cast<int>(nodes.size());
    for (int c : {ba, bb}) {
      nodes[c].alive = false;
      for (const auto& [o, len] : nodes[c].nbr) {
        if (o == ba || o == bb) continue;
        m.nbr[o] += len;
        nodes[o].nbr.erase(c);
        nodes[o].nbr[id] += len;
      }
    }
    nodes.push_back(std::move(m));
    for (const auto& [o, len] : nodes[id].nbr) heap.emplace(sim(o, id), -o, -id);
    consider(id);
  }
  return out;
}

}  // namespace cf::segment
