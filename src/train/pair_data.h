// Preference pairs (cf-generate output, docs/stages/generate.md) as random-access samples for
// DPO/SPIN training, and their conversion to token sequences: prompt + answer, with the loss
// mask on the answer tokens only. Torch-free.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/shard.h"
#include "io/shard_rows.h"
#include "train/token_data.h"

namespace cf {

struct PairSample {
  std::string sample_id;
  std::vector<int32_t> prompt, chosen, rejected;  // answer ids end with eos
  double ref_chosen = 0, ref_rejected = 0;        // reference model's summed answer log-probs
  std::vector<std::string> images;                // JPEG bytes, in placeholder order
};

// Row `row` of a pairs shard. `where` names the shard in errors.
PairSample pair_sample(const Shard& shard, size_t row, const std::string& where);
// The columns pair_sample reads (io/schemas, stage "generate"): call once per shard.
void check_pair_shard(const Shard& shard, const std::string& where);
// prompt + answer as a token sample with loss_mask 1 on the answer ids.
TokenSample answer_sequence(const std::vector<int32_t>& prompt, const std::vector<int32_t>& answer,
                            const std::vector<std::string>& images);

class PairDataset {
 public:
  // Reads plan.json (stage "generate") and the row count of every shard; shards load on demand.
  explicit PairDataset(const std::string& dir, size_t cached_shards = 8);
  int64_t size() const { return rows_.size(); }
  PairSample get(int64_t index);

 private:
  ShardRows rows_;
};

}  // namespace cf
