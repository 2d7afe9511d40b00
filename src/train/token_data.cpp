#include "train/token_data.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "io/stage_dir.h"

namespace cf {

TokenDataset::TokenDataset(const std::string& dir, size_t cached_shards) : dir_(dir), cached_(cached_shards) {
  StagePlan plan = read_stage_plan(dir);
  for (const auto& path : complete_shards(dir, plan)) {
    starts_.push_back(total_);
    total_ += shard_status(path).items;
  }
  if (total_ == 0) throw ConfigError("dataset '" + dir + "' has no samples");
}

const Shard& TokenDataset::shard(int64_t s) {
  auto it = cache_.find(s);
  if (it != cache_.end()) {
    lru_.remove(s);
    lru_.push_front(s);
    return it->second;
  }
  if (cache_.size() >= cached_) {
    cache_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(s);
  return cache_[s] = read_shard(dir_ + "/" + shard_file_name(s));
}

TokenSample TokenDataset::get(int64_t index) {
  if (index < 0 || index >= total_) throw Error("sample index out of range");
  const int64_t s = std::upper_bound(starts_.begin(), starts_.end(), index) - starts_.begin() - 1;
  return token_sample(shard(s), static_cast<size_t>(index - starts_[static_cast<size_t>(s)]), dir_);
}

TokenSample token_sample(const Shard& sh, size_t row, const std::string& where) {
  const Table& t = sh.items;
  TokenSample out;
  out.sample_id = t.bytes("sample_id")[row];
  out.answer = t.bytes("answer")[row];
  out.task = t.bytes("task")[row];
  out.closed = t.i64("closed")[row];
  out.prompt_tokens = t.i64("prompt_tokens")[row];
  const std::string& ids = t.bytes("input_ids")[row];
  out.ids.resize(ids.size() / 4);
  std::memcpy(out.ids.data(), ids.data(), out.ids.size() * 4);
  const std::string& mask = t.bytes("loss_mask")[row];
  out.loss_mask.assign(mask.begin(), mask.end());
  if (out.loss_mask.size() != out.ids.size())
    throw DataError(where + ": sample " + out.sample_id + " has " + std::to_string(out.ids.size()) +
                    " tokens but " + std::to_string(out.loss_mask.size()) + " mask entries");
  auto img = sh.tables.find("images");
  if (img != sh.tables.end()) {
    const auto& rows = img->second.i64("item_row");
    for (size_t i = 0; i < rows.size(); ++i)
      if (rows[i] == static_cast<int64_t>(row)) out.images.push_back(img->second.bytes("image")[i]);
  }
  return out;
}

namespace {
uint64_t splitmix(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
}  // namespace

std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
  uint64_t state = seed * 0x100000001B3ull + static_cast<uint64_t>(epoch);
  for (int64_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<int64_t>(splitmix(state) % static_cast<uint64_t>(i + 1));
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
  }
  return order;
}

}  // namespace cf
