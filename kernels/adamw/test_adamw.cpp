// Fused AdamW (CPU twin) against a float64 AdamW written with LibTorch ops, against
// torch::optim::AdamW, and bitwise against itself across thread counts; the bf16 output equals
// LibTorch's own fp32 -> bf16 conversion, into a poisoned (all-NaN) bf16 buffer: every element written.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "adamw.h"
#include "poison.h"

namespace k = cf::kernels;

TEST(FusedAdamW, MatchesFloat64ReferenceWithDecayMaskScaleAndBf16Output) {
  torch::manual_seed(7);
  const int64_t n = 100003;  // not a multiple of the block or vector width
  const k::AdamWHyper h{1e-2, 0.9, 0.95, 1e-8, 0.1};
  auto p = torch::randn({n}), m = torch::zeros({n}), v = torch::zeros({n});
  auto decay = (torch::rand({n}) > 0.3).to(torch::kByte);
  auto pd = p.to(torch::kDouble), md = m.to(torch::kDouble), vd = v.to(torch::kDouble);
  k::test::JunkFill junk;
  for (int64_t step = 1; step <= 5; ++step) {
    auto out = k::test::poisoned(n, torch::kBFloat16);
    auto g = torch::randn({n}) * (step == 3 ? 1e-4 : 1.0);
    const float scale = step == 2 ? 0.25f : 1.0f;
    k::adamw_step(p, m, v, g, decay, h, step, scale, out);
    auto gd = g.to(torch::kDouble) * scale;
    md = h.beta1 * md + (1 - h.beta1) * gd;
    vd = h.beta2 * vd + (1 - h.beta2) * gd * gd;
    auto upd = (md / (1 - std::pow(h.beta1, step))) / ((vd / (1 - std::pow(h.beta2, step))).sqrt() + h.eps);
    pd = pd - h.lr * upd - h.lr * h.weight_decay * decay.to(torch::kDouble) * pd;
    EXPECT_EQ(k::test::nan_count(out) + k::test::nan_count(p) + k::test::nan_count(m) + k::test::nan_count(v), 0);
    EXPECT_TRUE(torch::equal(out, p.to(torch::kBFloat16)));  // same rounding as c10::BFloat16
  }
  // A few fp32 ulps of |p| ~ 1 per step: far below one update (lr = 1e-2).
  EXPECT_LT((p.to(torch::kDouble) - pd).abs().max().item<double>(), 5e-6);
}

TEST(FusedAdamW, MatchesTorchOptimAdamW) {
  torch::manual_seed(8);
  const int64_t n = 5000;
  const k::AdamWHyper h{1e-3, 0.9, 0.999, 1e-8, 0.05};
  auto ref = torch::randn({n}).set_requires_grad(true);
  auto p = ref.detach().clone(), m = torch::zeros({n}), v = torch::zeros({n});
  torch::optim::AdamW opt(
      {ref}, torch::optim::AdamWOptions(h.lr).betas({h.beta1, h.beta2}).eps(h.eps).weight_decay(h.weight_decay));
  for (int64_t step = 1; step <= 10; ++step) {
    auto g = torch::randn({n});
    ref.mutable_grad() = g.clone();
    opt.step();
    k::adamw_step(p, m, v, g, {}, h, step, 1.0f);
  }
  EXPECT_LT((p - ref.detach()).abs().max().item<float>(), 2e-6);
}

TEST(FusedAdamW, BitwiseIndependentOfThreadCount) {
  torch::manual_seed(9);
  const int64_t n = 300001;
  auto p0 = torch::randn({n}), g = torch::randn({n});
  auto run = [&](int threads) {
    torch::set_num_threads(threads);
    auto p = p0.clone(), m = torch::zeros({n}), v = torch::zeros({n});
    k::adamw_step(p, m, v, g, {}, {}, 1, 0.5f);
    return p;
  };
  const int before = torch::get_num_threads();
  auto a = run(1), b = run(std::max(2, before));
  torch::set_num_threads(before);
  EXPECT_TRUE(torch::equal(a, b));
}

TEST(FusedAdamW, RejectsBadShapes) {
  auto p = torch::zeros({4}), m = torch::zeros({4}), v = torch::zeros({3}), g = torch::zeros({4});
  EXPECT_THROW(k::adamw_step(p, m, v, g, {}, {}, 1, 1.0f), c10::Error);
  v = torch::zeros({4});
  EXPECT_THROW(k::adamw_step(p, m, v, g, {}, {}, 0, 1.0f), c10::Error);
  auto wrong = torch::empty({4}, torch::kFloat);
  EXPECT_THROW(k::adamw_step(p, m, v, g, {}, {}, 1, 1.0f, wrong), c10::Error);
}
