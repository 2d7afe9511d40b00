// Fused RoPE vs. its LibTorch expression (forward + backward, fp32 and bf16): time and peak
// LibTorch CPU allocation, B 4 x T 1024 x 16 heads x 128.
#include <tuple>

#include <torch/torch.h>

#include "bench_util.h"
#include "rope.h"

using namespace cf::kernels;

int main() {
  torch::manual_seed(0);
  bench::header();
  const int64_t b = 4, t = 1024, h = 16, hd = 128;
  torch::Tensor cos, sin;
  std::tie(cos, sin) = rope_tables(torch::arange(t), hd);
  auto x0 = torch::randn({b, t, h, hd}), go = torch::randn({b, h, t, hd});
  for (auto dt : {torch::kFloat, torch::kBFloat16}) {
    const std::string c = std::string("4x1024x16x128 ") + (dt == torch::kFloat ? "fp32" : "bf16");
    for (bool fused : {false, true}) {
      auto m = bench::measure(
          [&] {
            auto x = x0.to(dt).set_requires_grad(true);
            torch::Tensor y;
            if (fused) {
              y = fused_rope(x, cos, sin);
            } else {
              auto xt = x.transpose(1, 2);
              auto rot = torch::cat({-xt.slice(-1, hd / 2), xt.slice(-1, 0, hd / 2)}, -1);
              y = xt * cos.to(dt) + rot * sin.to(dt);
            }
            y.backward(go.to(dt));
          },
          3);
      bench::row("rope", c, fused ? "fused" : "naive", m);
    }
  }
}
