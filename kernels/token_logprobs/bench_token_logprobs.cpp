// Token log-probs vs. the naive LibTorch composition log_softmax(logits.float()).gather(t), at
// the size (B=4, T=2048, V=32000) and the tiny preset's (B=4, T=2048, V=2048), fp32 and
// bf16 logits: forward only (reference scoring, no autograd) and forward + backward to the
// logits' gradient (what the model's final matmul receives). Time and peak LibTorch allocation
// of the op itself: the logits exist before the call in both cases (a fresh copy per run, made
// outside the measurement, because the fused backward overwrites them). The fused op runs on
// the CPU path picked at run time (AVX2 here) and, for comparison, on the baseline-ISA build.
#include <torch/torch.h>

#include "bench_util.h"
#include "token_logprobs.h"
#include "token_logprobs_raw.h"

using namespace cf::kernels;

namespace {

torch::Tensor naive(const torch::Tensor& logits, const torch::Tensor& t) {
  return torch::log_softmax(logits.to(torch::kFloat), -1).gather(-1, t.unsqueeze(-1)).squeeze(-1);
}

}  // namespace

int main() {
  torch::manual_seed(0);
  token_logprobs_set_cpu_isa(CpuIsa::Auto);
  std::printf("LibTorch intra-op threads: %d; fused CPU path: %s\n\n", torch::get_num_threads(),
              token_logprobs_cpu_isa());
  bench::header();
  struct Size {
    const char* name;
    int64_t b, t, v;
  };
  for (const Size& s : {Size{"tiny: 4x2048, V 2048", 4, 2048, 2048}, Size{"4x2048, V 32000", 4, 2048, 32000}}) {
    for (auto dt : {torch::kFloat, torch::kBFloat16}) {
      auto base = torch::randn({s.b, s.t, s.v}).to(dt);
      auto t = torch::randint(0, s.v, {s.b, s.t}, torch::kLong);
      auto w = (torch::rand({s.b, s.t}) > 0.3).to(torch::kFloat);
      const std::string c = std::string(s.name) + (dt == torch::kFloat ? " fp32" : " bf16");
      const char* variants[] = {"naive", "fused baseline ISA", "fused"};
      for (int v = 0; v < 3; ++v) {
        token_logprobs_set_cpu_isa(v == 1 ? CpuIsa::Baseline : CpuIsa::Auto);
        auto m = bench::measure(
            [&] {
              torch::NoGradGuard no_grad;
              auto lp = v == 0 ? naive(base, t) : token_logprobs(base, t, w);
            },
            3);
        bench::row("token_logprobs forward", c, variants[v], m);
      }
      torch::Tensor x, logits;
      for (int v = 0; v < 3; ++v) {
        token_logprobs_set_cpu_isa(v == 1 ? CpuIsa::Baseline : CpuIsa::Auto);
        auto m = bench::measure(
            [&] {
              x = torch::Tensor();
              logits = torch::Tensor();
              x = base.clone().set_requires_grad(true);
              logits = x.view(x.sizes());  // a graph node, like hidden @ W^T
            },
            [&] {
              auto loss = v == 0 ? -(naive(logits, t) * w).sum() : token_nll_sum(logits, t, w);
              auto g = torch::autograd::grad({loss}, {logits});
            },
            3);
        bench::row("token_logprobs forward+backward", c, variants[v], m);
      }
      token_logprobs_set_cpu_isa(CpuIsa::Auto);
    }
  }
}
