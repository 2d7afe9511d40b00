// Fused RMSNorm as an autograd function: one pass over the data each way, arithmetic in fp32, one
// rounding to the output dtype. Every row, and every column of the weight gradient, is computed
// in a fixed order, so results do not depend on the thread count. fp32 and bf16 on a CPU with
// AVX2 (rms_norm_avx2.cpp); otherwise, and for other or mixed dtypes or devices, the plain
// LibTorch expression.
#pragma once
#include <torch/torch.h>

namespace cf::kernels {

// x [..., D], weight [D] -> weight * to(x.dtype)(x_fp32 * rsqrt(mean(x_fp32^2, -1) + eps)), as HF
// LlamaRMSNorm.
torch::Tensor fused_rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

}  // namespace cf::kernels
