#include "synth/merge/split.h"

#include <algorithm>
#include <cmath>

#include "core/hash.h"

namespace cf::merge {

std::string unit_key(const std::string& item_id, const std::string& clip_id) {
  return clip_id.empty() ? item_id : clip_id;
}

uint64_t unit_hash(uint64_t seed, const std::string& key) {
  Sha256 h;
  h.add(std::to_string(seed)).add(key);
  return std::stoull(h.hex().substr(0, 16), nullptr, 16);
}

SplitChoice choose_threshold(std::vector<UnitCount> units, int64_t eval_size, double max_eval_fraction) {
  std::sort(units.begin(), units.end(), [](const UnitCount& a, const UnitCount& b) { return a.hash < b.hash; });
  std::vector<UnitCount> merged;
  for (const auto& u : units) {
    if (!merged.empty() && merged.back().hash == u.hash) merged.back().samples += u.samples;
    else merged.push_back(u);
  }
  SplitChoice c;
  c.units = static_cast<int64_t>(merged.size());
  for (const auto& u : merged) c.samples += u.samples;
  const auto max_units = static_cast<int64_t>(std::floor(max_eval_fraction * static_cast<double>(merged.size())));
  for (const auto& u : merged) {
    if (c.eval_samples >= eval_size || c.eval_units >= max_units) break;
    c.any_eval = true;
    c.threshold = u.hash;
    ++c.eval_units;
    c.eval_samples += u.samples;
  }
  return c;
}

}  // namespace cf::merge
