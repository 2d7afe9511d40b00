// CPU twin of the fused AdamW: blocks of 32k elements in parallel (at::parallel_for), one
// branch-free vectorizable loop per block.
#include <ATen/Parallel.h>

#include <cmath>

#include "adamw_raw.h"
#include "cpu_math.h"

namespace cf::kernels {

AdamWConsts adamw_consts(const AdamWHyper& h, int64_t step) {
  return {static_cast<float>(h.beta1),
          static_cast<float>(h.beta2),
          static_cast<float>(1.0 / (1.0 - std::pow(h.beta1, static_cast<double>(step)))),
          static_cast<float>(1.0 / (1.0 - std::pow(h.beta2, static_cast<double>(step)))),
          static_cast<float>(h.lr),
          static_cast<float>(h.eps),
          static_cast<float>(h.lr * h.weight_decay)};
}

namespace {

template <bool kMask, bool kBf16>
void run(float* __restrict p, float* __restrict m, float* __restrict v, const float* __restrict g,
         const uint8_t* __restrict decay, int64_t n, const AdamWConsts& k, float scale, uint16_t* __restrict out) {
  const float b1 = k.b1, b2 = k.b2, c1 = k.c1, c2 = k.c2, lr = k.lr, eps = k.eps, wd = k.wd;
  const float ob1 = 1.0f - b1, ob2 = 1.0f - b2;
  at::parallel_for(0, n, 1 << 15, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const float gi = g[i] * scale;
      const float mi = b1 * m[i] + ob1 * gi;
      const float vi = b2 * v[i] + ob2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      const float upd = (mi * c1) / (std::sqrt(vi * c2) + eps);
      const float d = kMask ? wd * p[i] * static_cast<float>(decay[i]) : wd * p[i];
      const float pi = p[i] - lr * upd - d;
      p[i] = pi;
      if (kBf16) out[i] = f32_to_bf16(pi);
    }
  });
}

}  // namespace

void adamw_cpu(float* p, float* m, float* v, const float* g, const uint8_t* decay, int64_t n, const AdamWHyper& h,
               int64_t step, float grad_scale, uint16_t* bf16_out) {
  const auto k = adamw_consts(h, step);
  if (decay && bf16_out) run<true, true>(p, m, v, g, decay, n, k, grad_scale, bf16_out);
  else if (decay) run<true, false>(p, m, v, g, decay, n, k, grad_scale, bf16_out);
  else if (bf16_out) run<false, true>(p, m, v, g, decay, n, k, grad_scale, bf16_out);
  else run<false, false>(p, m, v, g, decay, n, k, grad_scale, bf16_out);
}

}  // namespace cf::kernels
