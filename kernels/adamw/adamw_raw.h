// Pointer-level fused AdamW over a flat fp32 master shard (CPU twin and CUDA), torch-free.
// One pass per element: g *= grad_scale; m, v updated; p -= lr * m_hat / (sqrt(v_hat) + eps)
// + lr * wd * decay_i * p (decoupled decay); optionally writes bf16(p) (round to nearest even)
// into the parameter shard. A pure per-element function, so results do not depend on threads or
// vector width. The trainer's only AdamW (src/train/zero2): AdamWHyper is the one struct of its
// hyper-parameters.
#pragma once
#include <cstdint>

namespace cf::kernels {

struct AdamWHyper {
  double lr = 1e-6, beta1 = 0.9, beta2 = 0.95, eps = 1e-8, weight_decay = 0.1;
};

// decay: [n] 0/1 or null (decay all). bf16_out: [n] or null. step is 1-based.
void adamw_cpu(float* p, float* m, float* v, const float* g, const uint8_t* decay, int64_t n, const AdamWHyper& h,
               int64_t step, float grad_scale, uint16_t* bf16_out);
void adamw_cuda(float* p, float* m, float* v, const float* g, const uint8_t* decay, int64_t n, const AdamWHyper& h,
                int64_t step, float grad_scale, uint16_t* bf16_out, void* stream);

// The float constants of one step (shared by both twins so they round identically).
struct AdamWConsts {
  float b1, b2, c1, c2, lr, eps, wd;
};
AdamWConsts adamw_consts(const AdamWHyper& h, int64_t step);

}  // namespace cf::kernels
