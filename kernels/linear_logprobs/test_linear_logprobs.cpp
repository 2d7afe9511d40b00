// Fused linear + log-probs against the float64 composition log_softmax(h W^T): values, both
// gradients, chunk edges (tokens not a multiple of the chunk), masked rows; and the peak memory
// stays far below one [tokens, V] fp32 logits tensor. Values and gradients are checked under
// JunkFill (poison.h): an output or gradient element the op never wrote would be NaN.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "linear_logprobs.h"
#include "memory_probe.h"
#include "poison.h"

namespace k = cf::kernels;

TEST(LinearLogprobs, MatchesFloat64CompositionWithGradients) {
  torch::manual_seed(12);
  k::test::JunkFill junk;
  const int64_t n = 37, hdim = 16, vocab = 1001;
  auto h0 = torch::randn({n, hdim}), w0 = torch::randn({vocab, hdim}) * 0.3;
  auto t = torch::randint(0, vocab, {n}, torch::kLong);
  auto wts = (torch::rand({n}) > 0.2).to(torch::kFloat);
  auto u = torch::randn({n});
  auto h = h0.clone().set_requires_grad(true), w = w0.clone().set_requires_grad(true);
  auto got = k::linear_logprobs(h, w, t, wts, /*chunk_elements=*/vocab * 5);  // 5 tokens per chunk: 8 chunks
  (got * u).sum().backward();
  auto hd = h0.to(torch::kDouble).set_requires_grad(true), wd = w0.to(torch::kDouble).set_requires_grad(true);
  auto ref = torch::log_softmax(torch::matmul(hd, wd.t()), -1).gather(-1, t.unsqueeze(-1)).squeeze(-1) *
             wts.to(torch::kDouble);
  (ref * u.to(torch::kDouble)).sum().backward();
  EXPECT_LT((got.to(torch::kDouble) - ref).abs().max().item<double>(), 1e-4);
  EXPECT_LT((h.grad().to(torch::kDouble) - hd.grad()).abs().max().item<double>(), 1e-4);
  EXPECT_LT((w.grad().to(torch::kDouble) - wd.grad()).abs().max().item<double>(), 1e-4);
}

TEST(LinearLogprobs, Bf16MatchesUnfusedBf16Model) {
  torch::manual_seed(13);
  k::test::JunkFill junk;
  const int64_t n = 20, hdim = 32, vocab = 3000;
  auto h = torch::randn({2, n / 2, hdim}).to(torch::kBFloat16).set_requires_grad(true);
  auto w = (torch::randn({vocab, hdim}) * 0.2).to(torch::kBFloat16).set_requires_grad(true);
  auto t = torch::randint(0, vocab, {2, n / 2}, torch::kLong);
  auto got = k::linear_logprobs(h, w, t, {}, vocab * 3);
  auto ref = torch::log_softmax(torch::matmul(h, w.t()).to(torch::kFloat), -1).gather(-1, t.unsqueeze(-1)).squeeze(-1);
  EXPECT_LT((got - ref).abs().max().item<float>(), 1e-4);  // same bf16 logits, fp32 log-sum-exp
}

TEST(LinearLogprobs, NeverAllocatesTheFullLogits) {
  torch::manual_seed(14);
  const int64_t n = 1024, hdim = 64, vocab = 32000;
  auto h = torch::randn({n, hdim}).set_requires_grad(true),
       w = (torch::randn({vocab, hdim}) * 0.1).set_requires_grad(true);
  auto t = torch::randint(0, vocab, {n}, torch::kLong);
  int64_t peak = 0;
  {
    k::MemoryProbe probe;
    k::linear_logprobs(h, w, t).sum().backward();
    peak = probe.peak_bytes();
  }
  const int64_t full = n * vocab * 4, chunk = (k::kLinearChunkElements / vocab) * vocab * 4, wgrad = vocab * hdim * 4;
  std::cout << "peak " << peak << " bytes; full logits " << full << ", one chunk " << chunk << "\n";
  EXPECT_LT(peak, full / 2);
  EXPECT_LT(peak, 3 * chunk + 3 * wgrad + 4 * n * hdim * 4);
}
