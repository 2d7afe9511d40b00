// AdamW over a flat fp32 shard (the CPU reference; kernels/ adds fused CPU and CUDA versions).
#pragma once
#include <cstddef>
#include <cstdint>

namespace cf {

struct AdamWParams {
  double lr = 1e-6, beta1 = 0.9, beta2 = 0.95, eps = 1e-8, weight_decay = 0.1;
};

// One step on n elements: p -= lr * (m_hat / (sqrt(v_hat) + eps) + wd * decay[i] * p), with
// g scaled by grad_scale first (global-norm clipping). `step` is 1-based (bias correction).
// decay may be null (decay everything).
void adamw_step(float* p, float* m, float* v, const float* g, const uint8_t* decay, size_t n,
                const AdamWParams& h, int64_t step, float grad_scale);

}  // namespace cf
