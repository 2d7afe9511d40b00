#include <gtest/gtest.h>

#include "synth/ingest/shard_plan.h"

using cf::ingest::ManifestEntry;

TEST(ShardPlan, ContiguousBalancedAndIndependentOfWorld) {
  std::vector<ManifestEntry> m;
  for (int i = 0; i < 100; ++i)
    m.push_back({"f" + std::to_string(i), cf::ingest::MediaKind::Image, 10, i % 10 == 0 ? 8 : 1});
  auto shards = cf::ingest::plan_shards(m, 16);
  int64_t total = 0, prev_end = 0;
  for (const auto& s : shards) {
    EXPECT_EQ(s.begin, prev_end);  // contiguous, in order
    prev_end = s.end;
    total += s.cost;
    EXPECT_LE(s.cost, 16 + 8);
  }
  EXPECT_EQ(prev_end, 100);
  EXPECT_EQ(total, 170);
  EXPECT_EQ(shards.size(), 11u);  // ceil(170 / 16)
  // Every shard owned by exactly one rank, for any world size; load roughly balanced.
  for (int world : {1, 2, 3, 7}) {
    std::vector<int> owner(shards.size(), -1);
    std::vector<int64_t> load(world, 0);
    for (int r = 0; r < world; ++r)
      for (auto idx : cf::ingest::assign_shards(shards, r, world)) {
        EXPECT_EQ(owner[idx], -1);
        owner[idx] = r;
        load[r] += shards[idx].cost;
      }
    for (int o : owner) EXPECT_GE(o, 0);
    if (world <= 3) {
      EXPECT_LE(*std::max_element(load.begin(), load.end()) - *std::min_element(load.begin(), load.end()), 24);
    }
  }
}

TEST(ShardPlan, EmptyManifestHasOneEmptyShard) {
  auto shards = cf::ingest::plan_shards({}, 64);
  ASSERT_EQ(shards.size(), 1u);
  EXPECT_EQ(shards[0].end, 0);
}
