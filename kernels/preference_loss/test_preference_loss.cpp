// Fused preference loss against a float64 LibTorch composition, for every loss type, with label
// smoothing and the SFT term; gradients against autograd and by finite differences in float64.
// Outputs are checked under JunkFill (poison.h): an unwritten element would be NaN or ~1e308.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "poison.h"
#include "preference_loss.h"

namespace k = cf::kernels;

namespace {

torch::Tensor reference(const torch::Tensor& pc, const torch::Tensor& pr, const torch::Tensor& rc,
                        const torch::Tensor& rr, const torch::Tensor& counts, const k::PrefLossParams& p) {
  namespace F = torch::nn::functional;
  const double b = p.beta, e = p.label_smoothing;
  auto m = (pc - rc) - (pr - rr);
  auto z = b * m;
  torch::Tensor l;
  switch (p.type) {
    case k::PrefLossType::Sigmoid: l = -(1 - e) * F::logsigmoid(z) - e * F::logsigmoid(-z); break;
    case k::PrefLossType::Ipo: l = (m - 1.0 / (2.0 * b)).pow(2); break;
    case k::PrefLossType::Hinge: l = torch::relu(1.0 - z); break;
    case k::PrefLossType::Robust: l = (-(1 - e) * F::logsigmoid(z) + e * F::logsigmoid(-z)) / (1 - 2 * e); break;
  }
  return l - p.sft_weight * pc / counts;
}

struct Inputs {
  torch::Tensor pc, pr, rc, rr, counts;
};

Inputs random_inputs(int64_t n) {
  // Summed log-probs of answers: tens of nats, policy near the reference.
  auto rc = -20 - 30 * torch::rand({n}, torch::kDouble), rr = -20 - 30 * torch::rand({n}, torch::kDouble);
  return {rc + 5 * torch::randn({n}, torch::kDouble), rr + 5 * torch::randn({n}, torch::kDouble), rc, rr,
          torch::randint(1, 40, {n}, torch::kDouble)};
}

std::vector<k::PrefLossParams> all_params() {
  std::vector<k::PrefLossParams> ps;
  for (auto t : {k::PrefLossType::Sigmoid, k::PrefLossType::Ipo, k::PrefLossType::Hinge, k::PrefLossType::Robust})
    for (double e : {0.0, 0.1})
      for (double sft : {0.0, 0.5}) ps.push_back({t, 0.1, e, sft});
  ps.push_back({k::PrefLossType::Sigmoid, 5.0, 0.0, 0.0});  // large beta: saturated sigmoids
  return ps;
}

}  // namespace

TEST(PreferenceLoss, MatchesFloat64ReferenceForEveryLossType) {
  torch::manual_seed(5);
  k::test::JunkFill junk;  // every tensor the op allocates (losses, both gradients) starts as junk
  auto in = random_inputs(64);
  for (const auto& p : all_params()) {
    SCOPED_TRACE("type " + std::to_string(static_cast<int>(p.type)) + " e " + std::to_string(p.label_smoothing) +
                 " sft " + std::to_string(p.sft_weight) + " beta " + std::to_string(p.beta));
    auto pc = in.pc.clone().set_requires_grad(true), pr = in.pr.clone().set_requires_grad(true);
    auto pcr = in.pc.clone().set_requires_grad(true), prr = in.pr.clone().set_requires_grad(true);
    auto got = k::preference_loss(pc, pr, in.rc, in.rr, p, in.counts);
    auto ref = reference(pcr, prr, in.rc, in.rr, in.counts, p);
    EXPECT_LE((got.losses - ref).abs().max().item<double>(), 1e-12 * (1 + ref.abs().max().item<double>()));
    auto u = torch::randn({64}, torch::kDouble);
    (got.losses * u).sum().backward();
    (ref * u).sum().backward();
    EXPECT_LE((pc.grad() - pcr.grad()).abs().max().item<double>(), 1e-12);
    EXPECT_LE((pr.grad() - prr.grad()).abs().max().item<double>(), 1e-12);
    // fp32 inputs: computed in double, stored in fp32.
    auto pc32 = in.pc.to(torch::kFloat).set_requires_grad(true), pr32 = in.pr.to(torch::kFloat).set_requires_grad(true);
    auto f = k::preference_loss(pc32, pr32, in.rc.to(torch::kFloat), in.rr.to(torch::kFloat), p,
                                in.counts.to(torch::kFloat));
    auto pc64 = pc32.detach().to(torch::kDouble).set_requires_grad(true),
         pr64 = pr32.detach().to(torch::kDouble).set_requires_grad(true);
    auto ref32 = reference(pc64, pr64, in.rc.to(torch::kFloat).to(torch::kDouble),
                           in.rr.to(torch::kFloat).to(torch::kDouble), in.counts, p);
    EXPECT_LE(((f.losses.to(torch::kDouble) - ref32).abs() - 1e-6 * (1 + ref32.abs())).max().item<double>(), 0);
    (f.losses * u.to(torch::kFloat)).sum().backward();
    (ref32 * u).sum().backward();
    for (auto [g, gr] : {std::pair{pc32.grad(), pc64.grad()}, std::pair{pr32.grad(), pr64.grad()}})
      EXPECT_LE(((g.to(torch::kDouble) - gr).abs() - 1e-6 * (1 + gr.abs())).max().item<double>(), 0);
  }
}

TEST(PreferenceLoss, GradientMatchesFiniteDifferencesInFloat64) {
  torch::manual_seed(6);
  auto in = random_inputs(8);
  in.pc[0] = in.rc[0] + in.pr[0] - in.rr[0] + 3.0;  // keep the hinge away from its kink: z = 0.3
  for (const auto& p : all_params()) {
    auto pc = in.pc.clone().set_requires_grad(true), pr = in.pr.clone().set_requires_grad(true);
    k::preference_loss(pc, pr, in.rc, in.rr, p, in.counts).losses.sum().backward();
    auto f = [&](const torch::Tensor& a, const torch::Tensor& b) {
      return k::preference_loss(a, b, in.rc, in.rr, p, in.counts).losses.sum().item<double>();
    };
    const double h = 1e-6;
    for (int64_t i = 0; i < 8; ++i) {
      auto ap = in.pc.clone(), am = in.pc.clone(), bp = in.pr.clone(), bm = in.pr.clone();
      ap[i] += h;
      am[i] -= h;
      bp[i] += h;
      bm[i] -= h;
      const double z = p.beta * ((in.pc[i] - in.rc[i]) - (in.pr[i] - in.rr[i])).item<double>();
      if (p.type == k::PrefLossType::Hinge && std::abs(1 - z) < 1e-3) continue;  // kink
      EXPECT_NEAR(pc.grad()[i].item<double>(), (f(ap, in.pr) - f(am, in.pr)) / (2 * h), 1e-6) << "pair " << i;
      EXPECT_NEAR(pr.grad()[i].item<double>(), (f(in.pc, bp) - f(in.pc, bm)) / (2 * h), 1e-6) << "pair " << i;
    }
  }
}

TEST(PreferenceLoss, RewardsAndErrors) {
  auto pc = torch::tensor({-1.0}), pr = torch::tensor({-3.0}), rc = torch::tensor({-2.0}), rr = torch::tensor({-2.0});
  auto o = k::preference_loss(pc, pr, rc, rr, {k::PrefLossType::Sigmoid, 0.5, 0, 0});
  EXPECT_NEAR(o.reward_chosen.item<float>(), 0.5f, 1e-7);
  EXPECT_NEAR(o.reward_rejected.item<float>(), -0.5f, 1e-7);
  EXPECT_NEAR(o.losses.item<float>(), std::log1p(std::exp(-1.0)), 1e-6);  // z = 0.5 * 2
  EXPECT_THROW(k::preference_loss(pc, pr, rc, rr, {k::PrefLossType::Robust, 0.1, 0.5, 0}), c10::Error);
  EXPECT_THROW(k::pref_loss_type("kto"), c10::Error);
  EXPECT_EQ(k::pref_loss_type("ipo"), k::PrefLossType::Ipo);
}
