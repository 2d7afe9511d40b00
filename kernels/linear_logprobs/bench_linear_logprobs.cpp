// Fused linear + log-probs vs. log_softmax(h W^T) (forward + backward incl. the weight
// gradient): time and peak memory at V = 32k and 128k.
#include <torch/torch.h>

#include "bench_util.h"
#include "linear_logprobs.h"

using namespace cf::kernels;

int main() {
  torch::manual_seed(0);
  bench::header();
  const int64_t tokens = 1024, hidden = 256;
  for (int64_t vocab : {32000L, 128000L}) {
    auto h0 = torch::randn({tokens, hidden}), w0 = torch::randn({vocab, hidden}) * 0.05;
    auto t = torch::randint(0, vocab, {tokens}, torch::kLong);
    const std::string c =
        std::to_string(tokens) + " tok, H " + std::to_string(hidden) + ", V " + std::to_string(vocab / 1000) + "k fp32";
    for (bool fused : {false, true}) {
      auto m = bench::measure(
          [&] {
            auto h = h0.clone().set_requires_grad(true), w = w0.clone().set_requires_grad(true);
            torch::Tensor lp =
                fused ? linear_logprobs(h, w, t)
                      : torch::log_softmax(torch::matmul(h, w.t()), -1).gather(-1, t.unsqueeze(-1)).squeeze(-1);
            lp.sum().backward();
          },
          3);
      bench::row("linear_logprobs", c, fused ? "fused" : "naive", m);
    }
  }
}
