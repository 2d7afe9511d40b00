// The SFT loss at answer positions only (sft_nll_sum: fused head + log-softmax, kernels/
// linear_logprobs) equals the unfused path it replaced (head over all T-1 positions, then
// token_nll_sum), in value and in every parameter's gradient; fp32 tightly, bf16 to bf16
// rounding. Also: tied head, and a micro-batch without answer tokens.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "train/batch.h"
#include "train/sft_step.h"

namespace {

cf::Batch make_batch(int64_t vocab, bool answers) {
  std::vector<cf::TokenSample> samples;
  const int lengths[3] = {9, 14, 5};
  for (int i = 0; i < 3; ++i) {
    cf::TokenSample s;
    for (int t = 0; t < lengths[i]; ++t) {
      s.ids.push_back(static_cast<int32_t>(5 + (i * 37 + t * 11) % (vocab - 5)));
      s.loss_mask.push_back(answers && t >= lengths[i] - 3 ? 1 : 0);  // last 3 tokens are the answer
    }
    samples.push_back(s);
  }
  return cf::collate(samples, 32, 0);  // no images: the blank filler image
}

std::vector<torch::Tensor> grads_of(cf::Vlm& m) {
  std::vector<torch::Tensor> g;
  for (auto& p : m->parameters()) {
    g.push_back(p.grad().defined() ? p.grad().detach().to(torch::kFloat).clone() : torch::Tensor());
    p.mutable_grad() = torch::Tensor();
  }
  return g;
}

// Returns {fused loss, unfused loss}; checks the gradients with relative tolerance `tol`.
std::pair<double, double> compare(cf::Vlm& m, const cf::Batch& b, torch::ScalarType dtype, double tol) {
  auto fused = cf::sft_nll_sum(m, b, dtype);
  fused.backward();
  const auto gf = grads_of(m);
  auto hidden = m->forward_hidden(b.input_ids, b.images.to(dtype));
  auto logits = m->lm()->logits(hidden.slice(1, 0, hidden.size(1) - 1));
  auto unfused = cf::token_nll_sum(logits, b.targets, b.weights);
  // Independent check of the unfused value: plain fp32 log-softmax.
  auto lp = torch::log_softmax(logits.detach().to(torch::kFloat), -1).gather(-1, b.targets.unsqueeze(-1)).squeeze(-1);
  EXPECT_NEAR(unfused.item<double>(), -(lp * b.weights).sum().item<double>(),
              1e-4 * (1 + std::abs(unfused.item<double>())));
  unfused.backward();
  const auto gu = grads_of(m);
  auto names = m->named_parameters();
  for (size_t i = 0; i < gf.size(); ++i) {
    const std::string& name = names[i].key();
    EXPECT_EQ(gf[i].defined(), gu[i].defined()) << name;
    if (!gf[i].defined() || !gu[i].defined()) continue;
    const double scale = gu[i].abs().max().item<double>();
    const double diff = (gf[i] - gu[i]).abs().max().item<double>();
    EXPECT_LE(diff, tol * scale + 1e-9) << name << " max |grad| " << scale;
  }
  return {fused.item<double>(), unfused.item<double>()};
}

cf::ModelConfig micro() { return cf::load_model_config(CF_SOURCE_DIR "/tests/data/micro.toml"); }

}  // namespace

TEST(SftLoss, AnswerPositionsOnlyEqualFullLogitsFp32) {
  torch::manual_seed(3);
  const auto mc = micro();
  cf::Vlm m(mc);
  const auto b = make_batch(mc.text.vocab, true);
  ASSERT_EQ(b.loss_tokens, 9);
  auto [f, u] = compare(m, b, torch::kFloat, 2e-5);
  EXPECT_GT(u, 1.0);
  EXPECT_NEAR(f, u, 2e-6 * u);
}

TEST(SftLoss, AnswerPositionsOnlyEqualFullLogitsBf16) {
  torch::manual_seed(4);
  const auto mc = micro();
  cf::Vlm m(mc);
  m->to(torch::kBFloat16);
  auto [f, u] = compare(m, make_batch(mc.text.vocab, true), torch::kBFloat16, 3e-2);
  EXPECT_NEAR(f, u, 1e-2 * u);
}

TEST(SftLoss, TiedHeadAndNoAnswerTokens) {
  torch::manual_seed(5);
  auto mc = micro();
  mc.text.tie_embeddings = true;
  cf::Vlm m(mc);
  auto [f, u] = compare(m, make_batch(mc.text.vocab, true), torch::kFloat, 2e-5);
  EXPECT_NEAR(f, u, 2e-6 * u);
  const auto none = make_batch(mc.text.vocab, false);
  auto loss = cf::sft_nll_sum(m, none, torch::kFloat);
  loss.backward();  // no answer tokens: zero loss, zero gradients, but a complete graph
  EXPECT_EQ(loss.item<double>(), 0.0);
  for (auto& p : m->parameters())
    if (p.grad().defined()) {
      EXPECT_EQ(p.grad().abs().max().item<float>(), 0.0f);
    }
}
