// Deals work units (shards) to ranks: longest first, each to the least loaded rank. Only the
// owner changes with the world size; what a shard contains never does.
#pragma once
#include <cstdint>
#include <vector>

namespace cf {

// Indices of `costs` owned by `rank`, increasing.
std::vector<int64_t> assign_by_cost(const std::vector<int64_t>& costs, int rank, int world);

}  // namespace cf
