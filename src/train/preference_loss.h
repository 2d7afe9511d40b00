// Preference losses of DPO-family training (DPO, SPIN, IPO, hinge/SLiC, cDPO/rDPO), on
// per-sequence log-probs (sum over answer tokens, fp32 or fp64). With
//   m = (logp_chosen - ref_chosen) - (logp_rejected - ref_rejected),   z = beta * m:
//   sigmoid  -logsigmoid(z)                      (DPO; SPIN's logistic loss with lambda = beta);
//            with label smoothing e: -(1-e) logsigmoid(z) - e logsigmoid(-z)   (cDPO)
//   ipo      (m - 1/(2 beta))^2                  (IPO, on summed log-probs)
//   hinge    relu(1 - z)                         (SLiC-style)
//   robust   ((1-e)(-logsigmoid(z)) - e(-logsigmoid(-z))) / (1 - 2e)   (rDPO, e < 1/2)
// Implicit rewards: beta (logp - ref) per sequence.
// The trainer's path is the fused kernel (kernels/preference_loss: forward and backward in one
// pass each, in double); fused = false is the LibTorch composition it replaced (tests compare them).
#pragma once
#include <string>

#include <torch/torch.h>

namespace cf {

enum class PreferenceLoss { Sigmoid, Ipo, Hinge, Robust };
PreferenceLoss preference_loss_from_string(const std::string& s);  // throws ConfigError

struct PreferenceParams {
  PreferenceLoss loss = PreferenceLoss::Sigmoid;
  double beta = 0.1;
  double label_smoothing = 0.0;  // e of cDPO (sigmoid) and rDPO (robust)
};

struct PreferenceOutput {
  torch::Tensor losses;           // [B] per-pair loss (differentiable)
  torch::Tensor reward_chosen;    // [B] beta (logp_c - ref_c), detached
  torch::Tensor reward_rejected;  // [B] beta (logp_r - ref_r), detached
};

// All inputs [B], same dtype; policy_* carry gradients, ref_* are constants.
PreferenceOutput preference_loss(const torch::Tensor& policy_chosen, const torch::Tensor& policy_rejected,
                                 const torch::Tensor& ref_chosen, const torch::Tensor& ref_rejected,
                                 const PreferenceParams& p, bool fused = true);

}  // namespace cf
