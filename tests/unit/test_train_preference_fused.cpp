// The DPO/SPIN training path on the fused kernels (token log-probs with the in-place backward,
// the fused preference loss) gives the same loss and parameter gradients as the unfused LibTorch
// composition it replaced (log_softmax + gather, logsigmoid ops), for every loss type, on the
// micro model in fp32 and bf16. Tolerances (documented in docs/kernels.md):
//   loss      |fused - unfused| <= 1e-6 (1 + |unfused|)   fp32; 1e-3 (1 + |unfused|) bf16 model
//   gradients max |fused - unfused| <= 1e-5 max |unfused| fp32; 5e-3 max |unfused| bf16 model
// (measured: fp32 <= 7e-8 max|g|; bf16 one bf16 ulp of one logit gradient, 2.5e-4 max|g|).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "train/batch.h"
#include "train/pair_data.h"
#include "train/preference_loss.h"
#include "train/sequence_logp.h"

namespace {

struct StepValues {
  double loss = 0;
  torch::Tensor grads;  // every parameter gradient, flattened, fp64
};

// One micro-batch of preference_step: chosen rows then rejected rows, loss = mean preference loss
// + sft_weight x chosen NLL per chosen token.
StepValues run(cf::Vlm& model, const cf::Batch& b, const torch::Tensor& rc, const torch::Tensor& rr,
               const cf::PreferenceParams& p, torch::ScalarType dtype, bool fused) {
  model->zero_grad();
  const int64_t n = rc.size(0);
  auto lp = cf::sequence_logps(model, b, dtype, fused).logps;
  auto pc = lp.slice(0, 0, n), pr = lp.slice(0, n);
  auto out = cf::preference_loss(pc, pr, rc, rr, p, fused);
  auto total = out.losses.sum() / static_cast<double>(n) + 0.1 * -pc.sum() / 12.0;
  total.backward();
  std::vector<torch::Tensor> g;
  for (const auto& t : model->parameters())
    if (t.grad().defined()) g.push_back(t.grad().reshape({-1}).to(torch::kDouble));
  return {total.item<double>(), torch::cat(g)};
}

}  // namespace

TEST(PreferenceFused, DpoLossAndGradientsEqualTheUnfusedPath) {
  const cf::ModelConfig mc = cf::load_model_config(CF_SOURCE_DIR "/tests/data/micro.toml");
  for (auto dtype : {torch::kFloat, torch::kBFloat16}) {
    SCOPED_TRACE(dtype == torch::kFloat ? "fp32" : "bf16");
    torch::manual_seed(21);
    cf::Vlm model(mc);
    model->to(dtype);
    std::vector<cf::TokenSample> rows;
    for (int r = 0; r < 6; ++r) {  // 3 pairs without images: prompt, answer of 2-5 tokens + end
      std::vector<int32_t> prompt = {2, 17 + r, 40 + 3 * r}, answer;
      for (int k = 0; k < 2 + r % 4; ++k) answer.push_back(10 + (37 * r + 11 * k) % 240);
      answer.push_back(4);
      rows.push_back(cf::answer_sequence(prompt, answer, {}));
    }
    const auto batch = cf::collate(rows, mc.vision.image_size, 0);
    torch::Tensor ref;
    {
      torch::NoGradGuard no_grad;
      ref =
          cf::sequence_logps(model, batch, dtype, false).logps + torch::tensor({0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -3.0f});
    }
    const auto rc = ref.slice(0, 0, 3).contiguous(), rr = ref.slice(0, 3).contiguous();
    const bool bf16 = dtype == torch::kBFloat16;
    for (auto loss : {cf::PreferenceLoss::Sigmoid, cf::PreferenceLoss::Ipo, cf::PreferenceLoss::Hinge,
                      cf::PreferenceLoss::Robust}) {
      const cf::PreferenceParams p{loss, 0.5, loss == cf::PreferenceLoss::Ipo ? 0.0 : 0.1};
      SCOPED_TRACE("loss type " + std::to_string(static_cast<int>(loss)));
      const auto unfused = run(model, batch, rc, rr, p, dtype, false),
                 fused = run(model, batch, rc, rr, p, dtype, true);
      const double gmax = unfused.grads.abs().max().item<double>(),
                   gerr = (fused.grads - unfused.grads).abs().max().item<double>();
      std::cout << "loss " << unfused.loss << " vs " << fused.loss << ", max |grad| " << gmax << ", max error " << gerr
                << "\n";
      EXPECT_GT(gmax, 0);
      EXPECT_LE(std::abs(fused.loss - unfused.loss), (bf16 ? 1e-3 : 1e-6) * (1 + std::abs(unfused.loss)));
      EXPECT_LE(gerr, (bf16 ? 5e-3 : 1e-5) * gmax);
    }
  }
}
