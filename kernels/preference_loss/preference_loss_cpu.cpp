// CPU twin of the preference loss: one pass over the pairs in double (pairs are few; no
// threads needed, and the per-pair formula is shared with the CUDA kernel).
#include "preference_loss_raw.h"
#include "preference_math.h"

namespace cf::kernels {

template <class T>
void preference_loss_forward_cpu(const T* pc, const T* pr, const T* rc, const T* rr, const T* counts, int64_t n,
                                 const PrefLossParams& p, T* loss) {
  for (int64_t i = 0; i < n; ++i)
    loss[i] = static_cast<T>(pref::pair_loss(pc[i], pr[i], rc[i], rr[i], counts ? counts[i] : 1.0,
                                             static_cast<int>(p.type), p.beta, p.label_smoothing, p.sft_weight)
                                 .loss);
}

template <class T>
void preference_loss_backward_cpu(const T* pc, const T* pr, const T* rc, const T* rr, const T* counts, int64_t n,
                                  const PrefLossParams& p, const T* grad_loss, T* grad_pc, T* grad_pr) {
  for (int64_t i = 0; i < n; ++i) {
    const auto v = pref::pair_loss(pc[i], pr[i], rc[i], rr[i], counts ? counts[i] : 1.0, static_cast<int>(p.type),
                                   p.beta, p.label_smoothing, p.sft_weight);
    grad_pc[i] = static_cast<T>(grad_loss[i] * v.d_pc);
    grad_pr[i] = static_cast<T>(grad_loss[i] * v.d_pr);
  }
}

#define CF_INSTANTIATE(T)                                                                                  \
  template void preference_loss_forward_cpu<T>(const T*, const T*, const T*, const T*, const T*, int64_t,  \
                                               const PrefLossParams&, T*);                                 \
  template void preference_loss_backward_cpu<T>(const T*, const T*, const T*, const T*, const T*, int64_t, \
                                                const PrefLossParams&, const T*, T*, T*);
CF_INSTANTIATE(float)
CF_INSTANTIATE(double)
#undef CF_INSTANTIATE

}  // namespace cf::kernels
