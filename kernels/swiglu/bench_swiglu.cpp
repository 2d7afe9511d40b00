// Fused SwiGLU vs. silu(gate) * up (forward + backward, fp32 and bf16): time and peak LibTorch
// CPU allocation, 4096 tokens x 5632.
#include <torch/torch.h>

#include "bench_util.h"
#include "swiglu.h"

using namespace cf::kernels;

int main() {
  torch::manual_seed(0);
  bench::header();
  auto g0 = torch::randn({4096, 5632}), u0 = torch::randn({4096, 5632}), go = torch::randn({4096, 5632});
  for (auto dt : {torch::kFloat, torch::kBFloat16}) {
    const std::string c = std::string("4096 x 5632 ") + (dt == torch::kFloat ? "fp32" : "bf16");
    for (bool fused : {false, true}) {
      auto m = bench::measure(
          [&] {
            auto g = g0.to(dt).set_requires_grad(true), u = u0.to(dt).set_requires_grad(true);
            auto y = fused ? fused_swiglu(g, u) : torch::silu(g) * u;
            y.backward(go.to(dt));
          },
          3);
      bench::row("swiglu", c, fused ? "fused" : "naive", m);
    }
  }
}
