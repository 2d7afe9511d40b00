#include "train/token_data.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "io/schemas.h"
#include "io/stage_dir.h"

namespace cf {

TokenDataset::TokenDataset(const std::string& dir, size_t cached_shards)
    : rows_(dir, cached_shards, check_token_shard) {
  if (rows_.size() == 0) throw ConfigError("dataset '" + dir + "' has no samples");
}

TokenSample TokenDataset::get(int64_t index) {
  const auto at = rows_.locate(index);
  return token_sample(*at.shard, at.row, at.path);
}

void check_token_shard(const Shard& shard, const std::string& where) {
  require_columns(shard, "tokenize", "items",
                  {"sample_id", "answer", "task", "closed", "prompt_tokens", "input_ids", "loss_mask"}, where);
}

TokenSample token_sample(const Shard& sh, size_t row, const std::string& where) {
  const Table& t = sh.items;
  TokenSample out;
  out.sample_id = t.bytes("sample_id")[row];
  out.answer = t.bytes("answer")[row];
  if (t.has("question")) out.question = t.bytes("question")[row];  // cf-tokenizer output before the column: ""
  out.task = t.bytes("task")[row];
  out.closed = t.i64("closed")[row];
  out.prompt_tokens = t.i64("prompt_tokens")[row];
  const std::string& ids = t.bytes("input_ids")[row];
  out.ids.resize(ids.size() / 4);
  std::memcpy(out.ids.data(), ids.data(), out.ids.size() * 4);
  const std::string& mask = t.bytes("loss_mask")[row];
  out.loss_mask.assign(mask.begin(), mask.end());
  if (out.loss_mask.size() != out.ids.size())
    throw DataError(where + ": sample " + out.sample_id + " has " + std::to_string(out.ids.size()) + " tokens but " +
                    std::to_string(out.loss_mask.size()) + " mask entries");
  auto img = sh.tables.find("images");
  if (img != sh.tables.end()) {
    const auto& rows = img->second.i64("item_row");
    for (size_t i = 0; i < rows.size(); ++i)
      if (rows[i] == static_cast<int64_t>(row)) out.images.push_back(img->second.bytes("image")[i]);
  }
  return out;
}

Shard token_shard(const std::vector<TokenSample>& samples, const std::string& plan_hash) {
  std::vector<std::string> sid, item, task, ids, mask, question, answer, jpeg;
  std::vector<int64_t> closed, ntok, nimg, prompt, rows, frames;
  for (size_t i = 0; i < samples.size(); ++i) {
    const TokenSample& s = samples[i];
    sid.push_back(s.sample_id);
    item.push_back(s.item_id.empty() ? s.sample_id : s.item_id);
    task.push_back(s.task);
    ids.emplace_back(reinterpret_cast<const char*>(s.ids.data()), s.ids.size() * 4);
    mask.emplace_back(s.loss_mask.begin(), s.loss_mask.end());
    question.push_back(s.question);
    answer.push_back(s.answer);
    closed.push_back(s.closed);
    ntok.push_back(static_cast<int64_t>(s.ids.size()));
    nimg.push_back(static_cast<int64_t>(s.images.size()));
    prompt.push_back(s.prompt_tokens);
    for (const auto& j : s.images) {
      rows.push_back(static_cast<int64_t>(i));
      frames.push_back(-1);
      jpeg.push_back(j);
    }
  }
  Shard sh;
  sh.stage = "tokenize";
  sh.items.put_bytes("sample_id", sid);
  sh.items.put_bytes("item_id", item);
  sh.items.put_bytes("task", task);
  sh.items.put_bytes("input_ids", ids);
  sh.items.put_bytes("loss_mask", mask);
  sh.items.put_bytes("question", question);
  sh.items.put_bytes("answer", answer);
  sh.items.put_i64("closed", closed);
  sh.items.put_i64("n_tokens", ntok);
  sh.items.put_i64("n_images", nimg);
  sh.items.put_i64("prompt_tokens", prompt);
  sh.tables["images"].put_i64("item_row", rows);
  sh.tables["images"].put_i64("frame_index", frames);
  sh.tables["images"].put_bytes("image", jpeg, false);
  sh.meta = {{"plan_hash", plan_hash}};
  return sh;
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
