#include "synth/ingest/shard_plan.h"

#include <algorithm>
#include <numeric>

namespace cf::ingest {

std::vector<ShardRange> plan_shards(const std::vector<ManifestEntry>& m, int64_t shard_cost) {
  const int64_t total = std::accumulate(m.begin(), m.end(), int64_t{0},
                                        [](int64_t s, const ManifestEntry& e) { return s + e.cost; });
  const int64_t n = std::max<int64_t>(1, (total + shard_cost - 1) / std::max<int64_t>(1, shard_cost));
  // Cut where the running cost crosses k * total / n: balanced, contiguous, deterministic.
  std::vector<ShardRange> shards;
  ShardRange cur;
  int64_t running = 0;
  for (int64_t i = 0; i < static_cast<int64_t>(m.size()); ++i) {
    running += m[i].cost;
    cur.cost += m[i].cost;
    const int64_t k = static_cast<int64_t>(shards.size()) + 1;
    if (running * n >= k * total && k < n) {
      cur.end = i + 1;
      shards.push_back(cur);
      cur = ShardRange{k, i + 1, i + 1, 0};
    }
  }
  cur.end = static_cast<int64_t>(m.size());
  if (cur.end > cur.begin || shards.empty()) shards.push_back(cur);
  return shards;
}

std::vector<int64_t> assign_shards(const std::vector<ShardRange>& shards, int rank, int world) {
  std::vector<size_t> order(shards.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return shards[a].cost > shards[b].cost; });
  std::vector<int64_t> load(world, 0);
  std::vector<int64_t> mine;
  for (size_t s : order) {
    int r = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
    load[r] += shards[s].cost;
    if (r == rank) mine.push_back(shards[s].index);
  }
  std::sort(mine.begin(), mine.end());
  return mine;
}

}  // namespace cf::ingest
