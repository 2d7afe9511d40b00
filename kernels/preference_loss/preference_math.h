// The per-pair loss and its derivatives, shared verbatim by the CPU twin and the CUDA kernel
// (CF_HD expands to __host__ __device__ under nvcc).
#pragma once
#include <cmath>

#include "preference_loss_raw.h"

#ifdef __CUDACC__
#define CF_HD __host__ __device__
#else
#define CF_HD
#endif

namespace cf::kernels::pref {

CF_HD inline double log_sigmoid(double z) { return z >= 0 ? -log1p(exp(-z)) : z - log1p(exp(z)); }
CF_HD inline double sigmoid(double z) { return z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z)); }

struct PairValue {
  double loss, d_pc, d_pr;  // loss and its derivatives w.r.t. pc and pr
};

CF_HD inline PairValue pair_loss(double pc, double pr, double rc, double rr, double count, int type, double beta,
                                 double e, double sft_weight) {
  const double m = (pc - rc) - (pr - rr), z = beta * m;
  double loss = 0, dm = 0;  // dm = dloss/dm
  switch (type) {
    case 0:  // sigmoid: d/dz logsig(z) = sig(-z), d/dz logsig(-z) = -sig(z)
      loss = -(1 - e) * log_sigmoid(z) - e * log_sigmoid(-z);
      dm = beta * (-(1 - e) * sigmoid(-z) + e * sigmoid(z));
      break;
    case 1:  // ipo
      loss = (m - 1.0 / (2.0 * beta)) * (m - 1.0 / (2.0 * beta));
      dm = 2.0 * (m - 1.0 / (2.0 * beta));
      break;
    case 2:  // hinge
      loss = 1.0 - z > 0 ? 1.0 - z : 0.0;
      dm = 1.0 - z > 0 ? -beta : 0.0;
      break;
    default:  // robust
      loss = (-(1 - e) * log_sigmoid(z) + e * log_sigmoid(-z)) / (1 - 2 * e);
      dm = beta * (-(1 - e) * sigmoid(-z) - e * sigmoid(z)) / (1 - 2 * e);
      break;
  }
  const double n = count > 0 ? count : 1.0;
  return {loss - sft_weight * pc / n, dm - sft_weight / n, -dm};
}

}  // namespace cf::kernels::pref
