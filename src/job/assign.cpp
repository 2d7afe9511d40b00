#include "job/assign.h"

#include <algorithm>
#include <numeric>

namespace cf {

std::vector<int64_t> assign_by_cost(const std::vector<int64_t>& costs, int rank, int world) {
  std::vector<size_t> order(costs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return costs[a] > costs[b]; });
  std::vector<int64_t> load(world, 0), mine;
  for (size_t s : order) {
    int r = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
    load[r] += costs[s];
    if (r == rank) mine.push_back(static_cast<int64_t>(s));
  }
  std::sort(mine.begin(), mine.end());
  return mine;
}

}  // namespace cf
