// Fused preference loss (forward + backward) vs. the LibTorch composition, per loss type.
#include <torch/torch.h>

#include "bench_util.h"
#include "preference_loss.h"

using namespace cf::kernels;

int main() {
  torch::manual_seed(0);
  bench::header();
  const int64_t b = 4096;
  auto rc = -30 * torch::rand({b}), rr = -30 * torch::rand({b});
  auto pc0 = rc + torch::randn({b}), pr0 = rr + torch::randn({b});
  namespace F = torch::nn::functional;
  for (const char* name : {"sigmoid", "ipo", "hinge", "robust"}) {
    const PrefLossParams p{pref_loss_type(name), 0.1, 0.1, 0.0};
    for (bool fused : {false, true}) {
      auto m = bench::measure(
          [&] {
            auto pc = pc0.clone().set_requires_grad(true), pr = pr0.clone().set_requires_grad(true);
            torch::Tensor l;
            if (fused) {
              l = preference_loss(pc, pr, rc, rr, p).losses;
            } else {
              auto mm = (pc - rc) - (pr - rr), z = 0.1 * mm;
              l = p.type == PrefLossType::Sigmoid ? -0.9 * F::logsigmoid(z) - 0.1 * F::logsigmoid(-z)
                  : p.type == PrefLossType::Ipo   ? (mm - 5.0).pow(2)
                  : p.type == PrefLossType::Hinge ? torch::relu(1 - z)
                                                  : (-0.9 * F::logsigmoid(z) + 0.1 * F::logsigmoid(-z)) / 0.8;
            }
            l.mean().backward();
          },
          20);
      bench::row("preference_loss", std::string(name) + ", B 4096 fp32", fused ? "fused" : "naive", m);
    }
  }
}
