#include "train/token_data.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "io/stage_dir.h"

namespace cf {

TokenDataset::TokenDataset(const std::string& dir, size_t cached_shards) : rows_(dir, cached_shards) {
  if (rows_.size() == 0) throw ConfigError("dataset '" + dir + "' has no samples");
}

TokenSample TokenDataset::get(int64_t index) {
  const auto at = rows_.locate(index);
  return token_sample(*at.shard, at.row, at.path);
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
