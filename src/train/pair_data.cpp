#include "train/pair_data.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "io/schemas.h"
#include "io/stage_dir.h"

namespace cf {
namespace {

std::vector<int32_t> ids_of(const std::string& bytes) {
  std::vector<int32_t> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), v.size() * 4);
  return v;
}

}  // namespace

void check_pair_shard(const Shard& shard, const std::string& where) {
  require_columns(
      shard, "generate", "items",
      {"sample_id", "carried", "prompt_ids", "chosen_ids", "rejected_ids", "ref_logp_chosen", "ref_logp_rejected"},
      where);
}

PairSample pair_sample(const Shard& sh, size_t row, const std::string& where) {
  const Table& t = sh.items;
  PairSample p;
  p.sample_id = t.bytes("sample_id")[row];
  p.prompt = ids_of(t.bytes("prompt_ids")[row]);
  p.chosen = ids_of(t.bytes("chosen_ids")[row]);
  p.rejected = ids_of(t.bytes("rejected_ids")[row]);
  p.ref_chosen = t.f32("ref_logp_chosen")[row];
  p.ref_rejected = t.f32("ref_logp_rejected")[row];
  if (p.prompt.empty() || p.chosen.empty() || p.rejected.empty())
    throw DataError(where + ": pair " + p.sample_id + " has an empty prompt, chosen or rejected answer");
  auto img = sh.tables.find("images");
  if (img != sh.tables.end()) {
    const auto& rows = img->second.i64("item_row");
    for (size_t i = 0; i < rows.size(); ++i)
      if (rows[i] == static_cast<int64_t>(row)) p.images.push_back(img->second.bytes("image")[i]);
  }
  return p;
}

TokenSample answer_sequence(const std::vector<int32_t>& prompt, const std::vector<int32_t>& answer,
                            const std::vector<std::string>& images) {
  TokenSample s;
  s.ids = prompt;
  s.ids.insert(s.ids.end(), answer.begin(), answer.end());
  s.loss_mask.assign(prompt.size(), 0);
  s.loss_mask.resize(s.ids.size(), 1);
  s.prompt_tokens = static_cast<int64_t>(prompt.size());
  s.images = images;
  return s;
}

PairDataset::PairDataset(const std::string& dir, size_t cached_shards) : rows_(dir, cached_shards, check_pair_shard) {
  if (rows_.plan().stage != "generate")
    throw ConfigError("'" + dir + "' is a '" + rows_.plan().stage +
                      "' directory; preference training reads cf-generate pairs");
  if (rows_.size() == 0) throw ConfigError("pairs '" + dir + "' have no samples");
}

PairSample PairDataset::get(int64_t index) {
  const auto at = rows_.locate(index);
  return pair_sample(*at.shard, at.row, at.path);
}

}  // namespace cf
