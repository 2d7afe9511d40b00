// Fused CPU forward/backward of the decoder layer's elementwise parts (RMSNorm, RoPE, SwiGLU) as
// autograd functions: one pass over the data each way, arithmetic in fp32, one rounding to the
// output dtype. Every element (RMSNorm: every row, and every column of the weight gradient) is
// computed in a fixed order, so results do not depend on the thread count. fp32 and bf16 on a CPU
// with AVX2 (the loops, fused_ops_avx2.cpp, are compiled for it); otherwise, and for other or
// mixed dtypes, the plain LibTorch expression.
#pragma once
#include <torch/torch.h>

namespace cf {

// weight * to(x.dtype)(x_fp32 * rsqrt(mean(x_fp32^2, -1) + eps)), as HF LlamaRMSNorm.
torch::Tensor fused_rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// x [B, T, H, hd] (a projection viewed per head) -> x * cos + rotate_half(x) * sin laid out as
// [B, H, T, hd] (contiguous). cos/sin [T, hd] fp32 in HF LLaMA layout.
torch::Tensor fused_rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

// silu(gate) * up, same shapes.
torch::Tensor fused_swiglu(const torch::Tensor& gate, const torch::Tensor& up);

}  // namespace cf
