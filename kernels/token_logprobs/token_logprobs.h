// Token log-probs from logits without materialising log_softmax: per token, log p(target) with
// an online log-sum-exp over vocabulary chunks. Dispatches on the logits' device (CPU twin or
// CUDA kernel). Differentiable: the backward writes d/dlogits into the logits buffer itself
// (in_place_backward), so the [N, V] gradient costs no new memory; only use that when nothing
// else in the graph needs the logits' values (true for logits = hidden @ W^T).
#pragma once
#include <torch/torch.h>

namespace cf::kernels {

// logits [..., V] (fp32 or bf16), targets [...] int64, weights [...] (optional; rows with
// weight 0 are skipped and get log-prob 0 and gradient 0). Returns fp32 [...].
torch::Tensor token_logprobs(const torch::Tensor& logits, const torch::Tensor& targets,
                             const torch::Tensor& weights = {}, bool in_place_backward = true);

// -sum_i w_i log p(t_i): the SFT loss numerator (fp32 scalar).
torch::Tensor token_nll_sum(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& weights,
                            bool in_place_backward = true);

}  // namespace cf::kernels
