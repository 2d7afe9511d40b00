#include "train/adamw.h"

#include "kernels/adamw/adamw_raw.h"

namespace cf {

void adamw_step(float* p, float* m, float* v, const float* g, const uint8_t* decay, size_t n,
                const AdamWParams& h, int64_t step, float grad_scale) {
  // The fused CPU kernel (kernels/adamw): the same per-element float expression as the loop it
  // replaced, m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr (m c1) / (sqrt(v c2) + eps) + lr wd p,
  // multi-threaded and vectorized; results do not depend on the thread count.
  kernels::adamw_cpu(p, m, v, g, decay, static_cast<int64_t>(n), {h.lr, h.beta1, h.beta2, h.eps, h.weight_decay}, step,
                     grad_scale, nullptr);
}

}  // namespace cf
