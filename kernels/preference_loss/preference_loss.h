// Fused DPO/SPIN-family preference loss over per-sequence log-probs (forward and backward in one
// kernel each; loss types and formulas in preference_loss_raw.h, the same as
// src/train/preference_loss.h plus an optional SFT term). Dispatches on the inputs' device.
#pragma once
#include <torch/torch.h>

#include "preference_loss_raw.h"

namespace cf::kernels {

struct PreferenceLossOutput {
  torch::Tensor losses;           // [B] per pair (differentiable w.r.t. the policy log-probs)
  torch::Tensor reward_chosen;    // [B] beta (pc - rc), detached
  torch::Tensor reward_rejected;  // [B] beta (pr - rr), detached
};

PrefLossType pref_loss_type(const std::string& name);  // sigmoid | ipo | hinge | robust

// All [B], fp32 or fp64, same dtype and device. chosen_counts (optional): answer tokens per
// chosen sequence, normalising the SFT term.
PreferenceLossOutput preference_loss(const torch::Tensor& policy_chosen, const torch::Tensor& policy_rejected,
                                     const torch::Tensor& ref_chosen, const torch::Tensor& ref_rejected,
                                     const PrefLossParams& p, const torch::Tensor& chosen_counts = {});

}  // namespace cf::kernels
