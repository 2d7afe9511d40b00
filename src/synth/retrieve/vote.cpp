#include "synth/retrieve/vote.h"

#include <cstdio>
#include <algorithm>
#include <cmath>
#include <map>

namespace cf::retrieve {

Naming name_region(const std::vector<Neighbor>& neighbors, const std::vector<DbEntry>& entries, const std::string& vote,
                   float min_score, const std::string& background_label, float temperature) {
  struct Tally {
    double sum = 0;
    int count = 0;
    float best = -2;
    size_t first = 0;  // rank of its first neighbour: the final tie-break
  };
  std::map<std::string, Tally> tally;
  std::vector<std::string> order;  // distinct names by first (= best) appearance
  double bg_sum = 0, all_sum = 0;
  float top = -2;
  for (const auto& nb : neighbors) top = std::max(top, nb.score);
  // A neighbour's weight: its similarity, or with "softmax" exp((similarity - best) / T).
  const bool soft = vote == "softmax" && temperature > 0;
  auto weight = [&](float s) { return soft ? std::exp((double(s) - top) / temperature) : std::max(0.0, double(s)); };
  for (size_t r = 0; r < neighbors.size(); ++r) {
    const auto& nb = neighbors[r];
    const std::string& label = entries.at(static_cast<size_t>(nb.id)).label;
    const double w = weight(nb.score);
    all_sum += w;
    if (!background_label.empty() && label == background_label) {
      bg_sum += w;
      continue;
    }
    auto [it, fresh] = tally.try_emplace(label);
    if (fresh) {
      it->second.first = r;
      order.push_back(label);
    }
    it->second.sum += soft ? w : double(nb.score);
    it->second.count += 1;
    it->second.best = std::max(it->second.best, nb.score);
  }
  Naming out;
  out.label = kUnknownLabel;
  const Tally* win = nullptr;
  std::string win_label;
  for (const auto& name : order) {
    const Tally& t = tally[name];
    bool better = false;
    if (!win) better = true;
    else if (vote == "majority") better = t.count > win->count || (t.count == win->count && t.sum > win->sum);
    else better = t.sum > win->sum;
    if (better) {
      win = &t;
      win_label = name;
    }
  }
  char buf[32];
  for (size_t i = 0; i < order.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%.3f", tally[order[i]].best);
    out.top_k += (i ? ";" : "") + order[i] + ":" + buf;
  }
  out.background = all_sum > 0 ? static_cast<float>(bg_sum / all_sum) : 0.f;
  const double obj_sum = all_sum - bg_sum;
  if (win && obj_sum > 0) out.agreement = static_cast<float>(std::max(0.0, win->sum) / obj_sum);
  if (win) {
    out.score = win->best;
    if (win->best >= min_score) out.label = win_label;
  }
  return out;
}

}  // namespace cf::retrieve
