// The columns of a pairs shard (docs/stages/generate.md), filled row by row.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/shard.h"

namespace cf::infer {

struct PairRow {
  std::string sample_id, item_id, task, question, model;
  std::string reference;  // the dataset's answer (chosen) as text
  std::string answer;     // the model's answer (rejected) as text
  int64_t closed = 0, carried = 0, round = 0, regenerated = 1;
  std::vector<int32_t> prompt, chosen, rejected;
  float ref_chosen = 0, ref_rejected = 0;
  std::vector<std::string> images;  // JPEG, in placeholder order
};

// items + images table (item_row renumbered to the output rows).
Shard pair_shard(const std::vector<PairRow>& rows);

}  // namespace cf::infer
