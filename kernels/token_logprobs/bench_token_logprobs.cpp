// Token log-probs (forward + backward of the SFT loss numerator) vs. the naive LibTorch
// composition -(log_softmax(logits.float()).gather(t) * w).sum(): time and peak memory.
#include <torch/torch.h>

#include "bench_util.h"
#include "token_logprobs.h"

using namespace cf::kernels;

int main() {
  torch::manual_seed(0);
  bench::header();
  const int64_t rows = 512;
  for (int64_t vocab : {32000L, 128000L}) {
    for (auto dt : {torch::kFloat, torch::kBFloat16}) {
      auto base = torch::randn({rows, vocab}).to(dt);
      auto t = torch::randint(0, vocab, {rows}, torch::kLong);
      auto w = (torch::rand({rows}) > 0.3).to(torch::kFloat);
      const std::string c = std::to_string(rows) + " x " + std::to_string(vocab / 1000) + "k " +
                            (dt == torch::kFloat ? "fp32" : "bf16");
      for (bool fused : {false, true}) {
        auto m = bench::measure([&] {
          auto x = base.clone().set_requires_grad(true);  // stands for hidden @ W^T
          auto logits = x.view(x.sizes());               // a graph node, like the model's logits
          torch::Tensor loss = fused ? token_nll_sum(logits, t, w)
                                     : -(torch::log_softmax(logits.to(torch::kFloat), -1).gather(-1, t.unsqueeze(-1)).squeeze(-1) * w).sum();
          loss.backward();
        }, 3);
        bench::row("token_logprobs", c, fused ? "fused" : "naive", m);
      }
    }
  }
}
