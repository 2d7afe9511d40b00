#include "synth/ingest/dedupe.h"

#include <algorithm>
#include <unordered_map>

#include "media/image.h"

namespace cf::ingest {
namespace {

// Bits [lo, hi) of v as a key, tagged with the band and the unit's shape.
std::string band_key(uint64_t v, int band, int lo, int hi, bool clip, size_t frames) {
  const uint64_t mask = hi - lo == 64 ? ~0ull : ((1ull << (hi - lo)) - 1);
  return std::to_string(band) + ":" + (clip ? "c" : "i") + std::to_string(frames) + ":" +
         std::to_string((v >> lo) & mask);
}

}  // namespace

std::vector<DedupeDecision> dedupe(const std::vector<DedupeUnit>& units, const DedupeOptions& o) {
  std::vector<DedupeDecision> out(units.size());
  std::unordered_map<std::string, size_t> exact_seen;
  std::unordered_map<std::string, std::vector<size_t>> bands;
  const int nb = std::min(64, o.near_max_distance + 1);  // pigeonhole: one band matches exactly
  for (size_t i = 0; i < units.size(); ++i) {
    const auto& u = units[i];
    std::string key = u.is_clip ? "c" : "i";
    for (const auto& h : u.hashes) key += h;
    if (o.exact) {
      auto [it, fresh] = exact_seen.emplace(key, i);
      if (!fresh) {
        out[i] = {false, units[it->second].id, "exact duplicate of " + units[it->second].id};
        continue;
      }
    }
    if (!o.near || u.phashes.empty()) continue;
    int best = -1;
    size_t best_j = 0;
    for (int b = 0; b < nb && best < 0; ++b) {
      auto it = bands.find(band_key(u.phashes[0], b, b * 64 / nb, (b + 1) * 64 / nb, u.is_clip, u.phashes.size()));
      if (it == bands.end()) continue;
      for (size_t j : it->second) {
        int worst = 0;
        for (size_t f = 0; f < u.phashes.size(); ++f)
          worst = std::max(worst, media::hamming_distance(u.phashes[f], units[j].phashes[f]));
        if (worst <= o.near_max_distance && (best < 0 || j < best_j)) best = worst, best_j = j;
      }
    }
    if (best >= 0) {
      out[i] = {false, units[best_j].id,
                "near duplicate of " + units[best_j].id + " (perceptual distance " + std::to_string(best) + ")"};
      if (o.exact) exact_seen.erase(key);  // only kept units are references
      continue;
    }
    for (int b = 0; b < nb; ++b)
      bands[band_key(u.phashes[0], b, b * 64 / nb, (b + 1) * 64 / nb, u.is_clip, u.phashes.size())].push_back(i);
  }
  return out;
}

}  // namespace cf::ingest
