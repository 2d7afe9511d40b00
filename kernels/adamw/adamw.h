// Fused AdamW step over a flat fp32 master shard, optionally writing the bf16 parameter shard in
// the same pass. Dispatches on the master's device (CPU twin or CUDA kernel).
#pragma once
#include <torch/torch.h>

#include "adamw_raw.h"

namespace cf::kernels {

// master, exp_avg, exp_avg_sq, grad: fp32 [n], contiguous, same device. decay: uint8 [n] or
// undefined. param_out: bf16 [n] or undefined. `step` is 1-based.
void adamw_step(torch::Tensor& master, torch::Tensor& exp_avg, torch::Tensor& exp_avg_sq, const torch::Tensor& grad,
                const torch::Tensor& decay, const AdamWHyper& h, int64_t step, float grad_scale,
                const torch::Tensor& param_out = {});

}  // namespace cf::kernels
