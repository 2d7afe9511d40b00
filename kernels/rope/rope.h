// Fused rotary position embedding as an autograd function: reads a projection per head and
// writes it rotated and transposed to [B, H, T, hd] in one pass (and back in the backward).
// fp32 and bf16 on a CPU with AVX2 (rope_avx2.cpp); otherwise the plain LibTorch expression.
#pragma once
#include <utility>

#include <torch/torch.h>

namespace cf::kernels {

// x [B, T, H, hd] (a projection viewed per head) -> x * cos + rotate_half(x) * sin laid out as
// [B, H, T, hd] (contiguous). cos/sin [T, hd] fp32 in HF LLaMA layout.
torch::Tensor fused_rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

// HF LLaMA's cos/sin tables [T, hd] fp32 for the absolute positions [T] (the model's, and those of
// the tests, benchmarks and cf-selftest).
std::pair<torch::Tensor, torch::Tensor> rope_tables(const torch::Tensor& positions, int64_t hd, double theta = 10000.0);

}  // namespace cf::kernels
