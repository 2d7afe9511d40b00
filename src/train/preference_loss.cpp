#include "train/preference_loss.h"

#include "core/error.h"
#include "kernels/preference_loss/preference_loss.h"

namespace cf {

PreferenceLoss preference_loss_from_string(const std::string& s) {
  if (s == "sigmoid") return PreferenceLoss::Sigmoid;
  if (s == "ipo") return PreferenceLoss::Ipo;
  if (s == "hinge") return PreferenceLoss::Hinge;
  if (s == "robust") return PreferenceLoss::Robust;
  throw ConfigError("unknown preference loss '" + s + "' (sigmoid, ipo, hinge, robust)");
}

PreferenceOutput preference_loss(const torch::Tensor& policy_chosen, const torch::Tensor& policy_rejected,
                                 const torch::Tensor& ref_chosen, const torch::Tensor& ref_rejected,
                                 const PreferenceParams& p, bool fused) {
  namespace F = torch::nn::functional;
  const double b = p.beta, e = p.label_smoothing;
  if (p.loss == PreferenceLoss::Robust && e >= 0.5)
    throw ConfigError("dpo.label_smoothing must be < 0.5 for the robust loss");
  if (fused) {
    const kernels::PrefLossType types[] = {kernels::PrefLossType::Sigmoid, kernels::PrefLossType::Ipo,
                                           kernels::PrefLossType::Hinge, kernels::PrefLossType::Robust};
    auto o = kernels::preference_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected,
                                      {types[static_cast<int>(p.loss)], b, e, 0.0});
    return {o.losses, o.reward_chosen, o.reward_rejected};
  }
  auto m = (policy_chosen - ref_chosen) - (policy_rejected - ref_rejected);
  auto z = b * m;
  PreferenceOutput out;
  switch (p.loss) {
    case PreferenceLoss::Sigmoid: out.losses = -(1 - e) * F::logsigmoid(z) - e * F::logsigmoid(-z); break;
    case PreferenceLoss::Ipo: out.losses = (m - 1.0 / (2.0 * b)).pow(2); break;
    case PreferenceLoss::Hinge: out.losses = torch::relu(1.0 - z); break;
    case PreferenceLoss::Robust:
      out.losses = (-(1 - e) * F::logsigmoid(z) + e * F::logsigmoid(-z)) / (1 - 2 * e);
      break;
  }
  out.reward_chosen = (b * (policy_chosen - ref_chosen)).detach();
  out.reward_rejected = (b * (policy_rejected - ref_rejected)).detach();
  return out;
}

}  // namespace cf
