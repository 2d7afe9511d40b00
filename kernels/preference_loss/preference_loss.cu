// CUDA twin of the preference loss: one thread per pair, the same double-precision formula as
// the CPU twin (preference_math.h).
#include "cuda_util.cuh"
#include "preference_loss_raw.h"
#include "preference_math.h"

namespace cf::kernels {
namespace {

template <class T>
__global__ void pref_forward(const T* pc, const T* pr, const T* rc, const T* rr, const T* counts, int64_t n,
                             PrefLossParams p, T* loss) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  loss[i] = static_cast<T>(pref::pair_loss(pc[i], pr[i], rc[i], rr[i], counts ? static_cast<double>(counts[i]) : 1.0,
                                           static_cast<int>(p.type), p.beta, p.label_smoothing, p.sft_weight)
                               .loss);
}

template <class T>
__global__ void pref_backward(const T* pc, const T* pr, const T* rc, const T* rr, const T* counts, int64_t n,
                              PrefLossParams p, const T* g, T* gpc, T* gpr) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const auto v = pref::pair_loss(pc[i], pr[i], rc[i], rr[i], counts ? static_cast<double>(counts[i]) : 1.0,
                                 static_cast<int>(p.type), p.beta, p.label_smoothing, p.sft_weight);
  gpc[i] = static_cast<T>(g[i] * v.d_pc);
  gpr[i] = static_cast<T>(g[i] * v.d_pr);
}

}  // namespace

template <class T>
void preference_loss_forward_cuda(const T* pc, const T* pr, const T* rc, const T* rr, const T* counts, int64_t n,
                                  const PrefLossParams& p, T* loss, void* stream) {
  if (n == 0) return;
  pref_forward<<<cuda::grid_for(n), cuda::kBlock, 0, static_cast<cudaStream_t>(stream)>>>(pc, pr, rc, rr, counts, n, p,
                                                                                          loss);
  cuda::check_launch("preference_loss_forward_cuda");
}

template <class T>
void preference_loss_backward_cuda(const T* pc, const T* pr, const T* rc, const T* rr, const T* counts, int64_t n,
                                   const PrefLossParams& p, const T* grad_loss, T* grad_pc, T* grad_pr, void* stream) {
  if (n == 0) return;
  pref_backward<<<cuda::grid_for(n), cuda::kBlock, 0, static_cast<cudaStream_t>(stream)>>>(pc, pr, rc, rr, counts, n, p,
                                                                                           grad_loss, grad_pc, grad_pr);
  cuda::check_launch("preference_loss_backward_cuda");
}

#define CF_INSTANTIATE(T)                                                                                   \
  template void preference_loss_forward_cuda<T>(const T*, const T*, const T*, const T*, const T*, int64_t,  \
                                                const PrefLossParams&, T*, void*);                          \
  template void preference_loss_backward_cuda<T>(const T*, const T*, const T*, const T*, const T*, int64_t, \
                                                 const PrefLossParams&, const T*, T*, T*, void*);
CF_INSTANTIATE(float)
CF_INSTANTIATE(double)
#undef CF_INSTANTIATE

}  // namespace cf::kernels
