#include "synth/segment/grouping.h"

#include <algorithm>
#include <cstdint>
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

int find(std::vector<int>& parent, int x) {
  while (parent[static_cast<size_t>(x)] != x)
    x = parent[static_cast<size_t>(x)] = parent[static_cast<size_t>(parent[static_cast<size_t>(x)])];
  return x;
}

}  // namespace

// Each label keeps a short list of its larger neighbours (segments have a few neighbours), so
// counting is a scan of that list per boundary pixel pair; the lists are sorted at the end.
Adjacency label_adjacency(const cv::Mat& labels, int n) {
  std::vector<std::vector<std::pair<int, int64_t>>> larger(static_cast<size_t>(n));
  auto count = [&](int p, int q) {
    auto& list = larger[static_cast<size_t>(std::min(p, q))];
    const int b = std::max(p, q);
    auto it = std::find_if(list.begin(), list.end(), [b](const auto& e) { return e.first == b; });
    if (it == list.end()) list.emplace_back(b, 1);
    else ++it->second;
  };
  for (int y = 0; y < labels.rows; ++y) {
    const int* p = labels.ptr<int>(y);
    const int* q = y + 1 < labels.rows ? labels.ptr<int>(y + 1) : nullptr;
    for (int x = 0; x < labels.cols; ++x) {
      if (x + 1 < labels.cols && p[x] != p[x + 1]) count(p[x], p[x + 1]);
      if (q && p[x] != q[x]) count(p[x], q[x]);
    }
  }
  Adjacency adj;
  for (int a = 0; a < n; ++a) {
    auto& list = larger[static_cast<size_t>(a)];
    std::sort(list.begin(), list.end());
    for (const auto& [b, len] : list) adj.push_back({{a, b}, len});
  }
  return adj;
}

int merge_similar(cv::Mat& labels, Adjacency& adj, const cv::Mat& img, int n, double max_dist) {
  auto st = leaf_stats(labels, img, n);
  struct Edge {
    double d;
    int a, b;
  };
  std::vector<Edge> edges;
  for (const auto& [ab, len] : adj)
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
  // Parents have lower indices, so finding 0..n-1 in order leaves parent[] = every label's root.
  for (int i = 0; i < n; ++i) find(parent, i);
  std::vector<int> remap(static_cast<size_t>(n), -1);
  int next = 0;
  for (int y = 0; y < labels.rows; ++y) {
    int* l = labels.ptr<int>(y);
    for (int x = 0; x < labels.cols; ++x) {
      int& r = remap[static_cast<size_t>(parent[static_cast<size_t>(l[x])])];
      if (r < 0) r = next++;
      l[x] = r;
    }
  }
  // The boundary between two new labels is the sum of those between their old labels.
  Adjacency merged;
  for (const auto& [ab, len] : adj) {
    const int a = remap[static_cast<size_t>(parent[static_cast<size_t>(ab.first)])];
    const int b = remap[static_cast<size_t>(parent[static_cast<size_t>(ab.second)])];
    if (a != b) merged.push_back({{std::min(a, b), std::max(a, b)}, len});
  }
  std::sort(merged.begin(), merged.end());
  adj.clear();
  for (const auto& [ab, len] : merged) {
    if (!adj.empty() && adj.back().first == ab) adj.back().second += len;
    else adj.push_back({ab, len});
  }
  return next;
}

std::vector<Group> group_hierarchy(const cv::Mat& labels, const Adjacency& adj, const cv::Mat& img, int n,
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
  for (int y = 0; y < labels.rows; ++y) {  // one box update per run of equal labels in a row
    const int* l = labels.ptr<int>(y);
    for (int x = 0, e = 0; x < labels.cols; x = e) {
      const int r = l[x];
      while (e < labels.cols && l[e] == r) ++e;
      x0[r] = std::min(x0[r], x), x1[r] = std::max(x1[r], e - 1), y0[r] = std::min(y0[r], y),
      y1[r] = std::max(y1[r], y);
    }
  }
  for (int i = 0; i < n; ++i) {
    nodes[i].st = st[i];
    nodes[i].box = cv::Rect(x0[i], y0[i], x1[i] - x0[i] + 1, y1[i] - y0[i] + 1);
  }
  for (const auto& [ab, len] : adj) {
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
