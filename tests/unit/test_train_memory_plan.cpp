// train/memory_plan: the ZeRO-2 plan cf-train logs (Zero2::memory_plan) and `cf-train --dry-run`
// prints (plan_train_memory) — one function, checked here term by term.
#include <gtest/gtest.h>

#include "train/memory_plan.h"

TEST(TrainMemoryPlan, OneRankHoldsEverythingWithoutBuckets) {
  const auto p = cf::plan_zero2_memory(1001, 1, 2, 4, 500);
  EXPECT_EQ(p.padded, 1001);
  EXPECT_EQ(p.param_bytes, 2 * 1001);  // no all-gather shard
  EXPECT_EQ(p.grad_bytes, 4 * 1001);
  EXPECT_EQ(p.bucket_bytes, 0);
  EXPECT_EQ(p.optimizer_bytes, 12 * 1001);
  EXPECT_EQ(p.state_bytes(), 18 * 1001);
  EXPECT_EQ(p.plain_dp_bytes(), 16 * 1001);
}

TEST(TrainMemoryPlan, ShardsPadToTheWorldAndCountBuckets) {
  const auto p = cf::plan_zero2_memory(1001, 4, 2, 8, 5000);  // bucket larger than the model
  EXPECT_EQ(p.padded, 1004);
  const int64_t shard = 251;
  EXPECT_EQ(p.param_bytes, 2 * (1004 + shard));
  EXPECT_EQ(p.grad_bytes, 8 * shard);
  EXPECT_EQ(p.bucket_bytes, 8 * (1004 + shard));  // bucket capped at the padded size + receive buffer
  EXPECT_EQ(p.optimizer_bytes, 12 * shard);
  EXPECT_EQ(p.zero2_formula_bytes(), 2 * 1001 + 14 * 1001 / 4);
  EXPECT_EQ(p.to_json()["total_bytes"].get<int64_t>(), p.total_bytes());
}
