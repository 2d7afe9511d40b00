// A stage's output directory: shard-NNNNNN.h5 files plus plan.json, which says how many shards
// the stage plans, so a downstream stage can tell a missing shard from a finished stage.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cf {

struct StagePlan {
  std::string stage;
  int64_t shards = 0;
  std::string plan_hash;  // identifies the inputs and settings the shards were made from
};

void write_stage_plan(const std::string& dir, const StagePlan& plan);  // atomic (tmp + rename)
// Throws ConfigError naming the directory when plan.json is missing or unreadable.
StagePlan read_stage_plan(const std::string& dir);

// Paths of shards 0..plan.shards-1 of `dir`, after checking each is complete; throws DataError
// naming the first missing or incomplete shard.
std::vector<std::string> complete_shards(const std::string& dir, const StagePlan& plan);

}  // namespace cf
