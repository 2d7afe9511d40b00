// Fused RMSNorm vs. its LibTorch expression (forward + backward, fp32 and bf16): time and peak
// LibTorch CPU allocation, 4096 tokens x 2048.
#include <torch/torch.h>

#include "bench_util.h"
#include "rms_norm.h"

using namespace cf::kernels;

int main() {
  torch::manual_seed(0);
  bench::header();
  auto x0 = torch::randn({4096, 2048}), w0 = 1 + 0.1 * torch::randn({2048}), go = torch::randn({4096, 2048});
  for (auto dt : {torch::kFloat, torch::kBFloat16}) {
    const std::string c = std::string("4096 x 2048 ") + (dt == torch::kFloat ? "fp32" : "bf16");
    for (bool fused : {false, true}) {
      auto m = bench::measure(
          [&] {
            auto x = x0.to(dt).set_requires_grad(true), w = w0.to(dt).set_requires_grad(true);
            torch::Tensor y;
            if (fused) {
              y = fused_rms_norm(x, w, 1e-6);
            } else {
              auto xf = x.to(torch::kFloat);
              y = w * (xf * torch::rsqrt(xf.pow(2).mean(-1, true) + 1e-6)).to(dt);
            }
            y.backward(go.to(dt));
          },
          3);
      bench::row("rms_norm", c, fused ? "fused" : "naive", m);
    }
  }
}
