// Pointer-level DPO/SPIN-family preference loss (CPU twin and CUDA), torch-free. Per pair i,
//   m = (pc - rc) - (pr - rr),  z = beta * m,  e = label smoothing,
//   sigmoid  -(1-e) logsig(z) - e logsig(-z)                 (DPO, SPIN; cDPO when e > 0)
//   ipo      (m - 1/(2 beta))^2
//   hinge    relu(1 - z)
//   robust   (-(1-e) logsig(z) + e logsig(-z)) / (1 - 2e)    (rDPO, e < 1/2)
//   plus sft_weight * (-pc / n_i) (n_i = chosen answer tokens, or 1 when no counts are given).
// Forward writes loss_i; backward, given dL/dloss_i, writes dL/dpc_i and dL/dpr_i (the
// reference log-probs are constants). Computed in double whatever the storage type.
#pragma once
#include <cstdint>

namespace cf::kernels {

enum class PrefLossType { Sigmoid = 0, Ipo = 1, Hinge = 2, Robust = 3 };

struct PrefLossParams {
  PrefLossType type = PrefLossType::Sigmoid;
  double beta = 0.1, label_smoothing = 0.0, sft_weight = 0.0;
};

// T is float or double. `counts` may be null.
template <class T>
void preference_loss_forward_cpu(const T* pc, const T* pr, const T* rc, const T* rr, const T* counts, int64_t n,
                                 const PrefLossParams& p, T* loss);
template <class T>
void preference_loss_backward_cpu(const T* pc, const T* pr, const T* rc, const T* rr, const T* counts, int64_t n,
                                  const PrefLossParams& p, const T* grad_loss, T* grad_pc, T* grad_pr);

// CUDA twins (device pointers, float or double), enqueued on `stream` (cudaStream_t or null).
template <class T>
void preference_loss_forward_cuda(const T* pc, const T* pr, const T* rc, const T* rr, const T* counts, int64_t n,
                                  const PrefLossParams& p, T* loss, void* stream);
template <class T>
void preference_loss_backward_cuda(const T* pc, const T* pr, const T* rc, const T* rr, const T* counts, int64_t n,
                                   const PrefLossParams& p, const T* grad_loss, T* grad_pc, T* grad_pr, void* stream);

}  // namespace cf::kernels
