// The tokenized dataset (cf-tokenizer output, docs/stages/tokenizer.md) as random-access
// samples, plus the global sample order. The order depends only on (seed, epoch), never on
// the world size; ranks take micro-batches of the global batch round-robin.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/shard.h"
#include "io/shard_rows.h"

namespace cf {

struct TokenSample {
  std::string sample_id, question, answer, task;  // question: the text the prompt ids encode
  std::string item_id;                            // written by token_shard (empty: sample_id); not read back
  std::vector<int32_t> ids;
  std::vector<uint8_t> loss_mask;
  std::vector<std::string> images;  // JPEG bytes, in placeholder order
  int64_t prompt_tokens = 0, closed = 0;
};

class TokenDataset {
 public:
  // Reads plan.json and the item count of every shard; shards are loaded on demand (LRU).
  explicit TokenDataset(const std::string& dir, size_t cached_shards = 8);
  int64_t size() const { return rows_.size(); }
  TokenSample get(int64_t index);  // index in [0, size())

 private:
  ShardRows rows_;
};

// Sample `row` of a token shard's items (images from its "images" table). `where` names the
// shard in errors.
TokenSample token_sample(const Shard& shard, size_t row, const std::string& where);
// The columns token_sample reads (io/schemas, stage "tokenize"): call once per shard before
// token_sample. Throws DataError naming `where` and the column.
void check_token_shard(const Shard& shard, const std::string& where);

// The inverse of token_sample: a token shard (stage "tokenize", docs/stages/tokenizer.md) of
// `samples` in order, for generated datasets (test fixtures, benchmarks). meta.plan_hash = plan_hash.
Shard token_shard(const std::vector<TokenSample>& samples, const std::string& plan_hash);

// Permutation of [0, n) for an epoch: Fisher-Yates driven by SplitMix64(seed, epoch).
std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int64_t epoch);

}  // namespace cf
