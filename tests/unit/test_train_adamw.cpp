#include <gtest/gtest.h>
#include <torch/torch.h>

#include "kernels/adamw/adamw_raw.h"
#include "train/schedule.h"

// The fused AdamW's CPU twin (kernels/adamw, the trainer's optimizer) against LibTorch's own AdamW (an independent
// implementation) over several steps.
TEST(AdamW, MatchesTorchOptimAdamW) {
  torch::manual_seed(3);
  const int64_t n = 4096;
  auto p_ref = torch::randn({n}).set_requires_grad(true);
  auto p = p_ref.detach().clone();
  auto m = torch::zeros({n}), v = torch::zeros({n});
  const cf::kernels::AdamWHyper h{1e-2, 0.9, 0.95, 1e-8, 0.1};
  torch::optim::AdamW opt(
      {p_ref}, torch::optim::AdamWOptions(h.lr).betas({h.beta1, h.beta2}).eps(h.eps).weight_decay(h.weight_decay));
  for (int step = 1; step <= 10; ++step) {
    auto g = torch::randn({n}) * (step % 3 == 0 ? 1e-4 : 1.0);
    p_ref.mutable_grad() = g.clone();
    opt.step();
    cf::kernels::adamw_cpu(p.data_ptr<float>(), m.data_ptr<float>(), v.data_ptr<float>(), g.data_ptr<float>(), nullptr,
                           n, h, step, 1.0f, nullptr);
  }
  // Same formula, different float operation order: differences of a few float ulps of the
  // parameters (|p| ~ 1, so ~1e-7), never of the size of an update (lr = 1e-2).
  auto diff = (p - p_ref.detach()).abs().max().item<float>();
  EXPECT_LT(diff, 2e-6) << "max abs difference " << diff;
}

TEST(AdamW, GradScaleAndDecayMask) {
  float p[2] = {1.0f, 1.0f}, m[2] = {0, 0}, v[2] = {0, 0}, g[2] = {2.0f, 2.0f};
  const uint8_t decay[2] = {1, 0};
  cf::kernels::adamw_cpu(p, m, v, g, decay, 2, {0.1, 0.9, 0.999, 1e-8, 0.5}, 1, 0.5f, nullptr);
  // Step 1: m_hat / sqrt(v_hat) = sign(g) = 1 whatever the scale; decay only on element 0.
  EXPECT_NEAR(p[0], 1.0f - 0.1f - 0.1f * 0.5f, 1e-6);
  EXPECT_NEAR(p[1], 1.0f - 0.1f, 1e-6);
  EXPECT_NEAR(m[0], 0.1f * 1.0f, 1e-7);  // (1 - beta1) * g * scale
}

TEST(Schedule, WarmupThenCosineToFloor) {
  cf::Schedule s{1.0, 100, 0.01, 0.1};
  EXPECT_EQ(s.warmup_steps(), 1);
  EXPECT_NEAR(s.at(0), 0.5, 1e-12);    // warmup: (0 + 1) / (1 + 1)
  EXPECT_NEAR(s.at(1), 1.0, 1e-12);    // peak
  EXPECT_NEAR(s.at(100), 0.1, 1e-12);  // floor
  EXPECT_GT(s.at(30), s.at(60));
  EXPECT_NEAR(s.at(50), 0.1 + 0.9 * 0.5 * (1 + std::cos(M_PI * 49.0 / 99.0)), 1e-12);
}
