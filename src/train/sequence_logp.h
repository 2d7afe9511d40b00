// Per-sequence log-probabilities: the sum over answer tokens (weights == 1) of log p(token) in
// fp32, from one forward pass of a collated batch. The policy in preference training and the
// reference scoring in cf-generate call this same function, so at the start of a round the
// implicit rewards are zero. The log-probs come from the fused head + log-probs op
// (kernels/linear_logprobs: chunks of tokens, so the [B, T-1, V] logits never exist at once);
// fused = false is the LibTorch head + log_softmax + gather it replaced (tests compare them).
#pragma once
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "model/modules.h"
#include "train/batch.h"
#include "train/pair_data.h"

namespace cf {

struct SequenceLogps {
  torch::Tensor logps;  // [B] fp32: sum of log p over each row's answer tokens
  torch::Tensor nll;    // scalar fp32: -sum of all rows' answer-token log p (= token_nll_sum)
};

// Runs the model on `b` (images cast to `dtype`). Differentiable unless called under NoGradGuard.
SequenceLogps sequence_logps(Vlm& model, const Batch& b, torch::ScalarType dtype, bool fused = true);

// Reference scoring of pairs, batched like preference_step (micro_batch pairs per forward:
// chosen rows, then rejected rows): {sum log p(chosen answer), sum log p(rejected answer)}.
std::vector<std::pair<float, float>> score_pairs(Vlm& model, const std::vector<PairSample>& pairs, int64_t micro_batch,
                                                 int64_t pad_id, torch::ScalarType dtype);

}  // namespace cf
