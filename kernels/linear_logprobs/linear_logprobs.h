// Fused final linear + token log-probs: logp_i = log softmax(h_i W^T)[t_i], computed over chunks
// of tokens so the [tokens, V] logits never exist at once (forward and backward; the backward
// recomputes each chunk's logits, turns them into d/dlogits in place and accumulates the weight
// gradient in fp32). Device-generic: matmuls through LibTorch (cuBLAS on GPU), the log-sum-exp
// through the token_logprobs kernel of the tensors' device.
#pragma once
#include <torch/torch.h>

namespace cf::kernels {

// Token budget per chunk: max(1, kLinearChunkElements / V) tokens (fixed: results do not depend
// on threads or devices' memory).
constexpr int64_t kLinearChunkElements = int64_t{1} << 22;

// hidden [..., H], weight [V, H] (same dtype: fp32 or bf16), targets [...] int64, weights [...]
// optional (rows with weight 0 get log-prob 0 and no gradient). Returns fp32 [...].
torch::Tensor linear_logprobs(const torch::Tensor& hidden, const torch::Tensor& weight, const torch::Tensor& targets,
                              const torch::Tensor& weights = {}, int64_t chunk_elements = kLinearChunkElements);

}  // namespace cf::kernels
