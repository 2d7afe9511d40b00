#include "synth/ingest/shard_plan.h"

#include "job/assign.h"

#include <algorithm>
#include <numeric>

namespace cf::ingest {

std::vector<ShardRange> plan_shards(const std::vector<ManifestEntry>& m, int64_t shard_cost) {
  const int64_t total =
      std::accumulate(m.begin(), m.end(), int64_t{0}, [](int64_t s, const ManifestEntry& e) { return s + e.cost; });
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
  std::vector<int64_t> costs;
  for (const auto& s : shards) costs.push_back(s.cost);
  return cf::assign_by_cost(costs, rank, world);  // shard index == position
}

}  // namespace cf::ingest
