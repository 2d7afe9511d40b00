// A micro-batch as tensors: right-padded ids, next-token targets and loss weights, images.
#pragma once
#include <vector>

#include <torch/torch.h>

#include "train/token_data.h"

namespace cf {

struct Batch {
  torch::Tensor input_ids;   // [B, T] int64, right-padded with pad_id
  torch::Tensor targets;     // [B, T-1] int64: input_ids shifted left
  torch::Tensor weights;     // [B, T-1] float: 1 where the target is an answer token
  torch::Tensor images;      // [N, 3, S, S] float, or a single blank image when N == 0
  bool blank_image = false;  // images holds only the blank filler (keeps every rank's graph equal)
  int64_t loss_tokens = 0;
  int64_t tokens = 0;  // non-pad tokens
};

Batch collate(const std::vector<TokenSample>& samples, int64_t image_size, int64_t pad_id);

// Sum over answer tokens of -log p(target) in fp32: [B, T-1, V] logits -> scalar.
torch::Tensor token_nll_sum(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& weights);

}  // namespace cf
