// Preference losses (sigmoid/DPO/SPIN, cDPO smoothing, ipo, hinge, robust) against closed forms
// computed here with <cmath>, and their gradients against central finite differences (fp64).
#include <cmath>
#include <functional>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "train/preference_loss.h"

using cf::PreferenceLoss;
using cf::PreferenceParams;

namespace {

double softplus(double x) { return std::log1p(std::exp(x)); }  // -logsigmoid(-x)

// Closed form of one pair's loss, written independently of preference_loss.cpp.
double closed_form(const PreferenceParams& p, double pc, double pr, double rc, double rr) {
  const double m = (pc - rc) - (pr - rr), z = p.beta * m, e = p.label_smoothing;
  switch (p.loss) {
    case PreferenceLoss::Sigmoid: return (1 - e) * softplus(-z) + e * softplus(z);
    case PreferenceLoss::Ipo: return (m - 1 / (2 * p.beta)) * (m - 1 / (2 * p.beta));
    case PreferenceLoss::Hinge: return std::max(0.0, 1 - z);
    case PreferenceLoss::Robust: return ((1 - e) * softplus(-z) - e * softplus(z)) / (1 - 2 * e);
  }
  return 0;
}

struct Case {
  double pc, pr, rc, rr;
};
const Case kCases[] = {{-1.0, -2.0, -1.5, -1.0},
                       {-7.25, -3.5, -6.0, -4.0},
                       {-0.3, -12.0, -0.4, -2.0},
                       {-4.0, -4.0, -4.0, -4.0},
                       {-2.0, -30.0, -2.0, -1.0}};

std::vector<PreferenceParams> all_params() {
  std::vector<PreferenceParams> v;
  for (auto l : {PreferenceLoss::Sigmoid, PreferenceLoss::Ipo, PreferenceLoss::Hinge, PreferenceLoss::Robust})
    for (double beta : {0.1, 0.5, 2.0})
      for (double e : {0.0, 0.2}) v.push_back({l, beta, e});
  return v;
}

torch::Tensor column(std::function<double(const Case&)> f) {
  std::vector<double> v;
  for (const auto& c : kCases) v.push_back(f(c));
  return torch::tensor(v, torch::kDouble);
}

}  // namespace

TEST(PreferenceLoss, HandComputedValues) {
  // m = (-1 + 1.5) - (-2 + 1) = 1.5
  auto one = [](PreferenceParams p) {
    auto t = [](double x) { return torch::tensor({x}, torch::kDouble); };
    return cf::preference_loss(t(-1.0), t(-2.0), t(-1.5), t(-1.0), p).losses.item<double>();
  };
  EXPECT_NEAR(one({PreferenceLoss::Sigmoid, 0.1, 0}), std::log(1 + std::exp(-0.15)), 1e-12);
  EXPECT_NEAR(one({PreferenceLoss::Ipo, 0.1, 0}), 12.25, 1e-12);  // (1.5 - 5)^2
  EXPECT_NEAR(one({PreferenceLoss::Hinge, 0.1, 0}), 0.85, 1e-12);
  EXPECT_NEAR(one({PreferenceLoss::Hinge, 1.0, 0}), 0.0, 1e-12);  // z = 1.5 > 1
  EXPECT_NEAR(one({PreferenceLoss::Sigmoid, 1.0, 0.25}),
              0.75 * std::log(1 + std::exp(-1.5)) + 0.25 * std::log(1 + std::exp(1.5)), 1e-12);
  EXPECT_NEAR(one({PreferenceLoss::Robust, 1.0, 0.25}),
              (0.75 * std::log(1 + std::exp(-1.5)) - 0.25 * std::log(1 + std::exp(1.5))) / 0.5, 1e-12);
  EXPECT_NEAR(one({PreferenceLoss::Robust, 1.0, 0.0}), one({PreferenceLoss::Sigmoid, 1.0, 0.0}), 1e-15);
  // At m = 0 (policy == reference, the start of a round) DPO's loss is log 2.
  auto z = torch::tensor({-3.0}, torch::kDouble);
  EXPECT_NEAR(cf::preference_loss(z, z, z, z, {PreferenceLoss::Sigmoid, 0.1, 0}).losses.item<double>(), std::log(2.0),
              1e-15);
}

TEST(PreferenceLoss, ValuesAndRewardsMatchClosedForm) {
  for (const auto& p : all_params()) {
    auto out =
        cf::preference_loss(column([](const Case& c) { return c.pc; }), column([](const Case& c) { return c.pr; }),
                            column([](const Case& c) { return c.rc; }), column([](const Case& c) { return c.rr; }), p);
    for (size_t i = 0; i < std::size(kCases); ++i) {
      const Case& c = kCases[i];
      const auto k = static_cast<int64_t>(i);
      EXPECT_NEAR(out.losses[k].item<double>(), closed_form(p, c.pc, c.pr, c.rc, c.rr), 1e-12)
          << "loss " << static_cast<int>(p.loss) << " beta " << p.beta << " e " << p.label_smoothing << " case " << i;
      EXPECT_NEAR(out.reward_chosen[k].item<double>(), p.beta * (c.pc - c.rc), 1e-12);
      EXPECT_NEAR(out.reward_rejected[k].item<double>(), p.beta * (c.pr - c.rr), 1e-12);
    }
  }
}

TEST(PreferenceLoss, GradientsMatchFiniteDifferences) {
  const double h = 1e-6;
  for (const auto& p : all_params()) {
    for (size_t i = 0; i < std::size(kCases); ++i) {
      const Case& c = kCases[i];
      auto pc = torch::tensor({c.pc}, torch::kDouble).requires_grad_(true);
      auto pr = torch::tensor({c.pr}, torch::kDouble).requires_grad_(true);
      auto rc = torch::tensor({c.rc}, torch::kDouble), rr = torch::tensor({c.rr}, torch::kDouble);
      cf::preference_loss(pc, pr, rc, rr, p).losses.sum().backward();
      const double m = (c.pc - c.rc) - (c.pr - c.rr);
      if (p.loss == PreferenceLoss::Hinge && std::abs(1 - p.beta * m) < 1e-3) continue;  // kink
      const double fd_c =
          (closed_form(p, c.pc + h, c.pr, c.rc, c.rr) - closed_form(p, c.pc - h, c.pr, c.rc, c.rr)) / (2 * h);
      const double fd_r =
          (closed_form(p, c.pc, c.pr + h, c.rc, c.rr) - closed_form(p, c.pc, c.pr - h, c.rc, c.rr)) / (2 * h);
      const double tol = 1e-6 * std::max(1.0, std::abs(fd_c));
      EXPECT_NEAR(pc.grad().item<double>(), fd_c, tol) << "loss " << static_cast<int>(p.loss) << " case " << i;
      EXPECT_NEAR(pr.grad().item<double>(), fd_r, tol) << "loss " << static_cast<int>(p.loss) << " case " << i;
      EXPECT_NEAR(pc.grad().item<double>(), -pr.grad().item<double>(), 1e-12);  // depends on m only
    }
  }
}

TEST(PreferenceLoss, SigmoidGradientClosedForm) {
  // d/d logp_chosen of -logsigmoid(beta m) = -beta * sigmoid(-beta m).
  auto pc = torch::tensor({-2.0}, torch::kDouble).requires_grad_(true);
  auto pr = torch::tensor({-3.0}, torch::kDouble);
  auto ref = torch::tensor({-2.5}, torch::kDouble);
  cf::preference_loss(pc, pr, ref, ref, {PreferenceLoss::Sigmoid, 0.5, 0}).losses.sum().backward();
  const double z = 0.5 * 1.0;  // m = (-2 + 2.5) - (-3 + 2.5) = 1
  EXPECT_NEAR(pc.grad().item<double>(), -0.5 / (1 + std::exp(z)), 1e-12);
}

TEST(PreferenceLoss, NamesAndRobustBound) {
  EXPECT_EQ(cf::preference_loss_from_string("ipo"), PreferenceLoss::Ipo);
  EXPECT_THROW(cf::preference_loss_from_string("kto"), cf::ConfigError);
  auto t = torch::tensor({-1.0}, torch::kDouble);
  EXPECT_THROW(cf::preference_loss(t, t, t, t, {PreferenceLoss::Robust, 0.1, 0.5}), cf::ConfigError);
}
