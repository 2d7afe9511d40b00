// A stage directory as one random-access sequence of item rows: global row i lives in some
// shard at some row; shards are read on demand and the last few are kept (LRU). Used by the
// trainer's datasets (token samples, preference pairs).
#pragma once
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "io/shard.h"
#include "io/stage_dir.h"

namespace cf {

class ShardRows {
 public:
  // check(shard, path) runs once per shard as it is read (e.g. io/schemas' require_columns).
  using Check = std::function<void(const Shard&, const std::string&)>;
  // Reads plan.json and the completion record (item count) of every shard. Throws
  // ConfigError/DataError naming the directory or the first incomplete shard.
  explicit ShardRows(const std::string& dir, size_t cached_shards = 8, Check check = {});
  const StagePlan& plan() const { return plan_; }
  int64_t size() const { return total_; }
  // The shard holding global row `index`, the row within it, and the shard's path (for errors).
  struct Location {
    const Shard* shard;
    size_t row;
    std::string path;
  };
  Location locate(int64_t index);

 private:
  const Shard& load(int64_t s);
  std::string dir_;
  StagePlan plan_;
  std::vector<int64_t> starts_;  // first global row of each shard
  int64_t total_ = 0;
  size_t cached_;
  Check check_;
  std::map<int64_t, Shard> cache_;
  std::list<int64_t> lru_;
};

}  // namespace cf
