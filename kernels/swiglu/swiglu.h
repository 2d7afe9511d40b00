// Fused SwiGLU (silu(gate) * up) as an autograd function: one pass each way, arithmetic in fp32,
// one rounding to the output dtype. fp32 and bf16 on a CPU with AVX2 (swiglu_avx2.cpp);
// otherwise the plain LibTorch expression.
#pragma once
#include <torch/torch.h>

namespace cf::kernels {

// gate, up [...] (same shapes) -> silu(gate) * up.
torch::Tensor fused_swiglu(const torch::Tensor& gate, const torch::Tensor& up);

}  // namespace cf::kernels
