#include "io/shard_rows.h"

#include <algorithm>

#include "core/error.h"

namespace cf {

ShardRows::ShardRows(const std::string& dir, size_t cached_shards, Check check)
    : dir_(dir), plan_(read_stage_plan(dir)), cached_(std::max<size_t>(1, cached_shards)), check_(std::move(check)) {
  for (const auto& path : complete_shards(dir, plan_)) {
    starts_.push_back(total_);
    total_ += shard_status(path).items;
  }
}

const Shard& ShardRows::load(int64_t s) {
  auto it = cache_.find(s);
  if (it != cache_.end()) {
    lru_.remove(s);
    lru_.push_front(s);
    return it->second;
  }
  const std::string path = dir_ + "/" + shard_file_name(s);
  Shard shard = read_shard(path);
  if (check_) check_(shard, path);
  if (cache_.size() >= cached_) {
    cache_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(s);
  return cache_[s] = std::move(shard);
}

ShardRows::Location ShardRows::locate(int64_t index) {
  if (index < 0 || index >= total_)
    throw Error("row " + std::to_string(index) + " is outside the " + std::to_string(total_) + " rows of '" + dir_ +
                "'");
  const int64_t s = std::upper_bound(starts_.begin(), starts_.end(), index) - starts_.begin() - 1;
  return {&load(s), static_cast<size_t>(index - starts_[static_cast<size_t>(s)]), dir_ + "/" + shard_file_name(s)};
}

}  // namespace cf
