#include "train/adamw.h"

#include <cmath>

namespace cf {

void adamw_step(float* p, float* m, float* v, const float* g, const uint8_t* decay, size_t n,
                const AdamWParams& h, int64_t step, float grad_scale) {
  const float b1 = static_cast<float>(h.beta1), b2 = static_cast<float>(h.beta2);
  const float c1 = static_cast<float>(1.0 / (1.0 - std::pow(h.beta1, static_cast<double>(step))));
  const float c2 = static_cast<float>(1.0 / (1.0 - std::pow(h.beta2, static_cast<double>(step))));
  const float lr = static_cast<float>(h.lr), eps = static_cast<float>(h.eps);
  const float wd = static_cast<float>(h.lr * h.weight_decay);
  for (size_t i = 0; i < n; ++i) {
    const float gi = g[i] * grad_scale;
    m[i] = b1 * m[i] + (1.0f - b1) * gi;
    v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
    const float upd = (m[i] * c1) / (std::sqrt(v[i] * c2) + eps);
    const float d = (decay == nullptr || decay[i]) ? wd * p[i] : 0.0f;  // decoupled decay
    p[i] = p[i] - lr * upd - d;
  }
}

}  // namespace cf
