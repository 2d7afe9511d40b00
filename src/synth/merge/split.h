// Deterministic train/eval split of cf-merge, decided per unit (a still image, or a whole video
// clip) by a seeded hash of its key, independent of shards and world size.
//
// The eval set is the units with the smallest hashes whose samples first reach `eval_size`
// (at most `max_eval_fraction` of the units): choose_threshold() sorts every unit's
// (hash, samples) once, and a unit is in eval iff its hash <= the threshold.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cf::merge {

// The split key of an item: its clip id for video frames (clips are split as a unit), else its item id.
std::string unit_key(const std::string& item_id, const std::string& clip_id);
// First 64 bits of SHA-256(seed, key), as an unsigned integer.
uint64_t unit_hash(uint64_t seed, const std::string& key);

struct UnitCount {
  uint64_t hash = 0;
  int64_t samples = 0;
};

struct SplitChoice {
  bool any_eval = false;   // false: the eval split is empty
  uint64_t threshold = 0;  // eval iff any_eval && hash <= threshold
  int64_t eval_units = 0, eval_samples = 0, units = 0, samples = 0;
};

// `units` may hold several entries of one unit (frames of a clip in different records): equal
// hashes are summed first.
SplitChoice choose_threshold(std::vector<UnitCount> units, int64_t eval_size, double max_eval_fraction);

inline bool is_eval(const SplitChoice& c, uint64_t hash) { return c.any_eval && hash <= c.threshold; }

}  // namespace cf::merge
