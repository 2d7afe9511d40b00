// Token log-probs (CPU twin) against a float64 LibTorch reference: values, gradients (also by
// finite differences), chunk edges, masked rows, extreme logits, bf16, thread-count
// independence, the raw CPU entry points on poisoned (all-NaN) outputs on both instruction-set
// paths (bitwise equal), and peak memory.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "memory_probe.h"
#include "poison.h"
#include "token_logprobs.h"
#include "token_logprobs_raw.h"

namespace k = cf::kernels;

namespace {

torch::Tensor ref_logp(const torch::Tensor& logits, const torch::Tensor& targets) {
  return torch::log_softmax(logits.to(torch::kDouble), -1).gather(-1, targets.unsqueeze(-1)).squeeze(-1);
}

struct Case {
  int64_t rows, vocab;
  double scale;
  torch::ScalarType dtype;
};

void check_case(const Case& c) {
  SCOPED_TRACE("rows " + std::to_string(c.rows) + " vocab " + std::to_string(c.vocab) + " scale " +
               std::to_string(c.scale) + (c.dtype == torch::kBFloat16 ? " bf16" : " fp32"));
  auto logits = (torch::randn({c.rows, c.vocab}, torch::kDouble) * c.scale).to(c.dtype);
  auto targets = torch::randint(0, c.vocab, {c.rows}, torch::kLong);
  targets[0] = c.vocab - 1;                                            // last column (inside the tail chunk)
  targets[1] = logits[1].to(torch::kDouble).argmax().item<int64_t>();  // the max itself: logp near 0
  auto weights = torch::ones({c.rows});
  weights[2] = 0;  // a fully masked row
  auto ref = ref_logp(logits, targets);
  auto x = logits.clone().set_requires_grad(true);
  auto got = k::token_logprobs(x, targets, weights, /*in_place_backward=*/false);
  auto err = (got.to(torch::kDouble) - ref).abs() - (1e-5 + 1e-6 * ref.abs());
  err[2] = -1;
  EXPECT_LE(err.max().item<double>(), 0) << "log-prob error above 1e-5 + 1e-6 |logp|";
  EXPECT_EQ(got[2].item<float>(), 0.0f);
  // Gradient of sum_i u_i logp_i, u random; masked row gets 0.
  auto u = torch::randn({c.rows});
  (got * u).sum().backward();
  auto xr = logits.to(torch::kDouble).set_requires_grad(true);
  (ref_logp(xr, targets) * u.to(torch::kDouble) * weights.to(torch::kDouble)).sum().backward();
  auto gref = xr.grad();
  auto gerr = (x.grad().to(torch::kDouble) - gref).abs();
  const double rel = c.dtype == torch::kBFloat16 ? 4e-3 : 1e-5;  // bf16 output rounding is 2^-9
  EXPECT_LE((gerr - (rel * gref.abs() + 1e-6 * u.abs().max().item<double>())).max().item<double>(), 0)
      << "max gradient error " << gerr.max().item<double>();
  EXPECT_EQ(x.grad()[2].abs().max().item<float>(), 0.0f);
}

}  // namespace

TEST(TokenLogprobs, MatchesFloat64Reference) {
  torch::manual_seed(1);
  for (auto dt : {torch::kFloat, torch::kBFloat16}) {
    for (int64_t v : {7L, k::kVocabChunk, k::kVocabChunk + 1, 5000L, 32011L}) check_case({6, v, 2.0, dt});
    check_case({5, 3001, 1e4, dt});  // extreme logits (|x| up to ~4e4)
  }
}

TEST(TokenLogprobs, ExtremeLogitsStayFinite) {
  auto logits = torch::zeros({2, 4099});
  logits[0][5] = 1e4;
  logits[0][6] = -1e4;
  logits[1].fill_(-1e4);
  logits[1][4098] = 1e4;
  auto t = torch::tensor({6L, 4098L});
  auto got = k::token_logprobs(logits, t);
  EXPECT_NEAR(got[0].item<float>(), -2e4, 1e-2);
  EXPECT_NEAR(got[1].item<float>(), 0.0, 1e-6);
}

TEST(TokenLogprobs, GradientMatchesFiniteDifferences) {
  torch::manual_seed(2);
  auto logits = torch::randn({3, 37}, torch::kDouble);
  auto targets = torch::tensor({4L, 0L, 36L});
  auto u = torch::tensor({0.7, -1.3, 2.0}, torch::kDouble);
  auto f = [&](const torch::Tensor& x) {  // our forward, evaluated in fp32, accumulated in double
    return (k::token_logprobs(x.to(torch::kFloat), targets).to(torch::kDouble) * u).sum().item<double>();
  };
  auto x = logits.to(torch::kFloat).set_requires_grad(true);
  (k::token_logprobs(x, targets) * u.to(torch::kFloat)).sum().backward();
  const double h = 1e-2;
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j : {0L, 4L, 17L, 36L}) {
      auto xp = logits.clone(), xm = logits.clone();
      xp[i][j] += h;
      xm[i][j] -= h;
      const double fd = (f(xp) - f(xm)) / (2 * h);
      EXPECT_NEAR(x.grad()[i][j].item<double>(), fd, 2e-3) << "row " << i << " column " << j;
    }
}

TEST(TokenLogprobs, IndependentOfThreadCount) {
  torch::manual_seed(3);
  auto logits = torch::randn({64, 9000});
  auto t = torch::randint(0, 9000, {64}, torch::kLong);
  const int before = torch::get_num_threads();
  torch::set_num_threads(1);
  auto a = k::token_logprobs(logits, t);
  torch::set_num_threads(std::max(2, before));
  auto b = k::token_logprobs(logits, t);
  torch::set_num_threads(before);
  EXPECT_TRUE(torch::equal(a, b));
}

TEST(TokenLogprobs, RawCpuWritesEveryOutputOnBothIsaPaths) {
  torch::manual_seed(6);
  const int64_t rows = 9, vocab = 2 * k::kVocabChunk + 3;  // full chunks, a tail of 3 columns
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (auto dt : {torch::kFloat, torch::kBFloat16}) {
    SCOPED_TRACE(dt == torch::kFloat ? "fp32" : "bf16");
    const k::Elem elem = dt == torch::kFloat ? k::Elem::F32 : k::Elem::BF16;
    auto logits = (torch::randn({rows, vocab}, torch::kDouble) * 3).to(dt);
    logits[4].fill_(nan);  // a masked row is never read
    auto t = torch::randint(0, vocab, {rows}, torch::kLong);
    t[0] = vocab - 1;
    auto w = torch::ones({rows}), g = torch::randn({rows});
    w[4] = 0;
    g[4] = 0;
    auto on = w != 0;
    auto ref = ref_logp(logits, t), ref_lse = torch::logsumexp(logits.to(torch::kDouble), -1);
    auto gref = (torch::one_hot(t, vocab).to(torch::kDouble) - torch::softmax(logits.to(torch::kDouble), -1)) *
                g.to(torch::kDouble).unsqueeze(1);
    const double rel = dt == torch::kBFloat16 ? 4e-3 : 1e-5;
    std::vector<torch::Tensor> outs;
    for (auto isa : {k::CpuIsa::Baseline, k::CpuIsa::Avx2}) {
      k::token_logprobs_set_cpu_isa(isa);
      SCOPED_TRACE(k::token_logprobs_cpu_isa());
      auto logp = k::test::poisoned(rows, torch::kFloat), lse = k::test::poisoned(rows, torch::kDouble);
      const k::LogitRows r{logits.data_ptr(), elem, rows, vocab, vocab, t.data_ptr<int64_t>(), w.data_ptr<float>()};
      k::token_logprobs_forward_cpu(r, logp.data_ptr<float>(), lse.data_ptr<double>());
      EXPECT_EQ(k::test::nan_count(logp) + k::test::nan_count(lse), 0);
      EXPECT_EQ(logp[4].item<float>(), 0.0f);
      EXPECT_LE(
          ((logp.to(torch::kDouble) - ref).abs() - (1e-5 + 1e-6 * ref.abs())).masked_select(on).max().item<double>(),
          0);
      EXPECT_LE(((lse - ref_lse).abs() - 1e-6 * (1 + ref_lse.abs())).masked_select(on).max().item<double>(), 0);
      auto x = logits.clone();  // backward in place: every element becomes its gradient, row 4 zeros
      k::token_logprobs_backward_cpu(x.data_ptr(), elem, rows, vocab, vocab, t.data_ptr<int64_t>(),
                                     lse.data_ptr<double>(), g.data_ptr<float>());
      EXPECT_EQ(k::test::nan_count(x), 0);
      EXPECT_EQ(x[4].abs().max().item<float>(), 0.0f);
      auto err = (x.to(torch::kDouble) - gref).abs() - (rel * gref.abs() + 1e-6 * g.abs().max().item<double>());
      EXPECT_LE(err.masked_select(on.unsqueeze(1)).max().item<double>(), 0);
      outs.insert(outs.end(), {logp, lse, x});
    }
    for (size_t i = 0; i < 3; ++i)
      EXPECT_TRUE(torch::equal(outs[i], outs[i + 3])) << "AVX2 and baseline differ, output " << i;
  }
  k::token_logprobs_set_cpu_isa(k::CpuIsa::Auto);
}

TEST(TokenLogprobs, RejectsTargetsOutsideTheVocabulary) {
  auto logits = torch::randn({2, 10});
  EXPECT_THROW(k::token_logprobs(logits, torch::tensor({1L, 10L})), c10::Error);
  // ...unless the row is masked.
  EXPECT_NO_THROW(k::token_logprobs(logits, torch::tensor({1L, 10L}), torch::tensor({1.0f, 0.0f})));
}

TEST(TokenLogprobs, PeakMemoryAtLeastHalvedAt32k) {
  torch::manual_seed(4);
  const int64_t rows = 256, vocab = 32000;
  auto t = torch::randint(0, vocab, {rows}, torch::kLong);
  auto w = torch::ones({rows});
  auto measure = [&](bool fused) {
    auto logits = torch::randn({rows, vocab}).set_requires_grad(true);
    auto leaf = logits * 1.0f;  // the logits as a graph node (like hidden @ W^T)
    k::MemoryProbe probe;
    auto loss =
        fused ? k::token_nll_sum(leaf, t, w)
              : -(torch::log_softmax(leaf.to(torch::kFloat), -1).gather(-1, t.unsqueeze(-1)).squeeze(-1) * w).sum();
    loss.backward();
    return probe.peak_bytes();
  };
  const int64_t naive = measure(false), fused = measure(true), logits_bytes = rows * vocab * 4;
  std::cout << "peak bytes: naive " << naive << ", fused " << fused << " (logits " << logits_bytes << ")\n";
  EXPECT_GE(naive, 2 * fused);
  EXPECT_GT(naive, logits_bytes);
}
