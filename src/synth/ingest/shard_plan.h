// Shard planning. Shards are contiguous runs of the manifest with about `shard_cost` cost
// units each, so the item -> shard map depends only on the manifest and the config, never on
// the world size. Shards are then dealt to ranks by cost (longest first, to the least loaded).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "synth/ingest/manifest.h"

namespace cf::ingest {

struct ShardRange {
  int64_t index = 0;
  int64_t begin = 0, end = 0;  // manifest rows [begin, end)
  int64_t cost = 0;
};

std::vector<ShardRange> plan_shards(const std::vector<ManifestEntry>& m, int64_t shard_cost);
// Shard indices owned by `rank`, in increasing order.
std::vector<int64_t> assign_shards(const std::vector<ShardRange>& shards, int rank, int world);

}  // namespace cf::ingest
