// Fused AdamW over a flat fp32 shard vs. torch::optim::AdamW on the same shard (one tensor):
// time per step (the fused variant also writes the bf16 parameter shard) and peak memory.
#include <torch/torch.h>

#include "adamw.h"
#include "bench_util.h"

using namespace cf::kernels;

int main() {
  torch::manual_seed(0);
  bench::header();
  for (int64_t n : {int64_t{1} << 22, int64_t{1} << 25}) {
    const std::string c = std::to_string(n >> 20) + "M fp32, " + std::to_string(torch::get_num_threads()) + " threads";
    auto p = torch::randn({n}).set_requires_grad(true);
    p.mutable_grad() = torch::randn({n});
    torch::optim::AdamW opt({p}, torch::optim::AdamWOptions(1e-3).betas({0.9, 0.95}).weight_decay(0.1));
    bench::row("adamw", c, "torch::optim::AdamW", bench::measure([&] { opt.step(); }));
    auto master = torch::randn({n}), m = torch::zeros({n}), v = torch::zeros({n}), g = torch::randn({n});
    auto out = torch::empty({n}, torch::kBFloat16);
    const AdamWHyper h{1e-3, 0.9, 0.95, 1e-8, 0.1};
    int64_t step = 0;
    bench::row("adamw", c, "fused (fp32 only)",
               bench::measure([&] { adamw_step(master, m, v, g, {}, h, ++step, 1.0f); }));
    bench::row("adamw", c, "fused + bf16 shard",
               bench::measure([&] { adamw_step(master, m, v, g, {}, h, ++step, 1.0f, out); }));
    bench::row("adamw", c, "torch step + .to(bf16)", bench::measure([&] {
                 opt.step();
                 out.copy_(p.detach());
               }));
  }
}
