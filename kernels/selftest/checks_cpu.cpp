// cf-selftest's CPU checks: every fused CPU kernel against a float64 LibTorch reference on fresh
// random inputs, timed against the naive LibTorch composition. Bounds: docs/kernels.md.
#include <string>
#include <tuple>
#include <vector>

#include <torch/torch.h>

#include "adamw/adamw.h"
#include "check_util.h"
#include "grad_buckets/grad_buckets.h"
#include "linear_logprobs/linear_logprobs.h"
#include "preference_loss/preference_loss.h"
#include "rms_norm/rms_norm.h"
#include "rope/rope.h"
#include "selftest.h"
#include "swiglu/swiglu.h"
#include "token_logprobs/token_logprobs.h"

namespace cf::kernels::selftest {
namespace {

namespace k = cf::kernels;
using torch::Tensor;

Tensor ref_logp(const Tensor& x, const Tensor& t) {
  return torch::log_softmax(x.to(torch::kDouble), -1).gather(-1, t.unsqueeze(-1)).squeeze(-1);
}

// The decoder's fused elementwise ops (rms_norm, rope, swiglu): bf16 forward against float64 on
// the same bf16 inputs (bound: a few bf16 roundings), timed forward + backward against the naive
// LibTorch expression.
void elementwise_checks(std::vector<Row>& rows) {
  const auto bf = torch::kBFloat16;
  {
    auto x = torch::randn({2048, 1024}).to(bf), w = (1 + 0.1 * torch::randn({1024})).to(bf);
    auto xd = x.to(torch::kDouble), wd = w.to(torch::kDouble);
    auto ref = wd * (xd * torch::rsqrt(xd.pow(2).mean(-1, true) + 1e-6));
    auto go = torch::randn({2048, 1024}).to(bf);
    const double ms = time_ms([&] {
      auto xg = x.detach().requires_grad_(true);
      k::fused_rms_norm(xg, w, 1e-6).backward(go);
    });
    const double ms_ref = time_ms([&] {
      auto xg = x.detach().requires_grad_(true), xf = xg.to(torch::kFloat);
      (w * (xf * torch::rsqrt(xf.pow(2).mean(-1, true) + 1e-6)).to(bf)).backward(go);
    });
    rows.push_back({"rms_norm", "fwd bf16 vs fp64", max_rel(k::fused_rms_norm(x, w, 1e-6), ref), 2e-2, ms, ms_ref});
  }
  {
    const int64_t b = 2, t = 256, h = 8, hd = 64;
    torch::Tensor cos, sin;
    std::tie(cos, sin) = k::rope_tables(torch::arange(t), hd);
    auto x = torch::randn({b, t, h, hd}).to(bf);
    auto xt = x.to(torch::kDouble).transpose(1, 2);
    auto rot = torch::cat({-xt.slice(-1, hd / 2), xt.slice(-1, 0, hd / 2)}, -1);
    auto ref = xt * cos.to(torch::kDouble) + rot * sin.to(torch::kDouble);
    auto go = torch::randn({b, h, t, hd}).to(bf);
    const double ms = time_ms([&] { k::fused_rope(x.detach().requires_grad_(true), cos, sin).backward(go); });
    const double ms_ref = time_ms([&] {
      auto xg = x.detach().requires_grad_(true);
      auto a = xg.transpose(1, 2);
      auto r = torch::cat({-a.slice(-1, hd / 2), a.slice(-1, 0, hd / 2)}, -1);
      (a * cos.to(bf) + r * sin.to(bf)).backward(go);
    });
    rows.push_back({"rope", "fwd bf16 vs fp64", max_rel(k::fused_rope(x, cos, sin), ref), 2e-2, ms, ms_ref});
  }
  {
    auto g = (4 * torch::randn({2048, 2816})).to(bf), u = torch::randn({2048, 2816}).to(bf);
    auto gd = g.to(torch::kDouble);
    auto ref = gd * torch::sigmoid(gd) * u.to(torch::kDouble);
    auto go = torch::randn({2048, 2816}).to(bf);
    const double ms = time_ms([&] { k::fused_swiglu(g.detach().requires_grad_(true), u).backward(go); });
    const double ms_ref = time_ms([&] { (torch::silu(g.detach().requires_grad_(true)) * u).backward(go); });
    rows.push_back({"swiglu", "fwd bf16 vs fp64", max_rel(k::fused_swiglu(g, u), ref), 2e-2, ms, ms_ref});
  }
}

}  // namespace

void cpu_checks(std::vector<Row>& rows) {
  const int64_t n = 128, v = 32011;  // vocabulary not a multiple of the chunk
  for (auto [dt, scale, name] : {std::tuple{torch::kFloat, 3.0, "fp32"}, std::tuple{torch::kBFloat16, 3.0, "bf16"},
                                 std::tuple{torch::kFloat, 1e4, "fp32 |x|~1e4"}}) {
    auto x = (torch::randn({n, v}) * scale).to(dt);
    auto t = torch::randint(0, v, {n}, torch::kLong);
    auto w = torch::ones({n});
    w[0] = 0;  // a masked row
    auto got = k::token_logprobs(x, t, w);
    auto ref = ref_logp(x, t) * w.to(torch::kDouble);
    const double ms = time_ms([&] { k::token_logprobs(x, t, w); });
    const double ms_ref = time_ms([&] { torch::log_softmax(x.to(torch::kFloat), -1).gather(-1, t.unsqueeze(-1)); });
    rows.push_back({"token_logprobs", std::string("fwd ") + name, max_rel(got, ref), 1e-5, ms, ms_ref});
  }
  {
    auto x = torch::randn({n, v}), t = torch::randint(0, v, {n}, torch::kLong), u = torch::randn({n});
    auto xg = x.clone().set_requires_grad(true);
    (k::token_logprobs(xg, t, {}, false) * u).sum().backward();
    auto xd = x.to(torch::kDouble).set_requires_grad(true);
    (ref_logp(xd, t) * u.to(torch::kDouble)).sum().backward();
    rows.push_back({"token_logprobs", "bwd fp32", max_rel(xg.grad(), xd.grad()), 1e-5, -1, -1});
  }
  {
    auto h = torch::randn({256, 64}), wt = torch::randn({v, 64}) * 0.1;
    auto t = torch::randint(0, v, {256}, torch::kLong);
    auto got = k::linear_logprobs(h, wt, t);
    auto ref = ref_logp(torch::matmul(h.to(torch::kDouble), wt.to(torch::kDouble).t()), t);
    const double ms = time_ms([&] { k::linear_logprobs(h, wt, t); });
    const double ms_ref =
        time_ms([&] { torch::log_softmax(torch::matmul(h, wt.t()), -1).gather(-1, t.unsqueeze(-1)); });
    rows.push_back({"linear_logprobs", "fwd fp32", max_rel(got, ref), 1e-4, ms, ms_ref});
  }
  for (const char* type : {"sigmoid", "ipo", "hinge", "robust"}) {
    const int64_t b = 256;
    auto rc = -30 * torch::rand({b}, torch::kDouble), rr = -30 * torch::rand({b}, torch::kDouble);
    auto pc = rc + torch::randn({b}, torch::kDouble), pr = rr + torch::randn({b}, torch::kDouble);
    const k::PrefLossParams p{k::pref_loss_type(type), 0.1, 0.1, 0.2};
    auto got = k::preference_loss(pc, pr, rc, rr, p).losses;
    namespace F = torch::nn::functional;
    auto m = (pc - rc) - (pr - rr), z = 0.1 * m;
    Tensor ref = p.type == k::PrefLossType::Sigmoid ? -0.9 * F::logsigmoid(z) - 0.1 * F::logsigmoid(-z)
                 : p.type == k::PrefLossType::Ipo   ? (m - 5.0).pow(2)
                 : p.type == k::PrefLossType::Hinge ? torch::relu(1 - z)
                                                    : (-0.9 * F::logsigmoid(z) + 0.1 * F::logsigmoid(-z)) / 0.8;
    rows.push_back({"preference_loss", std::string(type) + " fp64", max_rel(got, ref - 0.2 * pc), 1e-12, -1, -1});
  }
  {
    const int64_t sz = 1 << 22;
    auto p = torch::randn({sz}), m = torch::zeros({sz}), vv = torch::zeros({sz}), g = torch::randn({sz});
    auto out = torch::empty({sz}, torch::kBFloat16);
    const k::AdamWHyper h{1e-3, 0.9, 0.95, 1e-8, 0.1};
    auto pd = p.to(torch::kDouble);
    k::adamw_step(p, m, vv, g, {}, h, 1, 1.0f, out);
    auto gd = g.to(torch::kDouble);
    auto refp = pd - h.lr * (0.1 * gd / 0.1) / ((0.05 * gd * gd / 0.05).sqrt() + h.eps) - h.lr * h.weight_decay * pd;
    rows.push_back(
        {"adamw", "4M master vs fp64", (p.to(torch::kDouble) - refp).abs().max().item<double>(), 5e-6, -1, -1});
    rows.push_back({"adamw", "bf16 shard == bf16(master)",
                    (out.to(torch::kFloat) - p.to(torch::kBFloat16).to(torch::kFloat)).abs().max().item<double>(), 0,
                    -1, -1});
    auto tp = torch::randn({sz}).set_requires_grad(true);
    tp.mutable_grad() = g.clone();
    torch::optim::AdamW opt({tp}, torch::optim::AdamWOptions(1e-3));
    const double ms = time_ms([&] { k::adamw_step(p, m, vv, g, {}, h, 2, 1.0f, out); });
    const double ms_ref = time_ms([&] { opt.step(); });
    rows.push_back({"adamw", "step time (vs torch AdamW)", 0, 0, ms, ms_ref});
  }
  {
    auto bucket = torch::randn({1 << 22}), ref = bucket.clone();
    auto g = torch::randn({1 << 22}).to(torch::kBFloat16);
    const double ms = time_ms([&] { k::bucket_pack_add(bucket, 0, g); }, 1);
    const double ms_ref = time_ms([&] { ref.add_(g.to(torch::kFloat)); }, 1);
    rows.push_back({"grad_buckets", "pack bf16 -> fp32", (bucket - ref).abs().max().item<double>(), 0, ms, ms_ref});
  }
  elementwise_checks(rows);
}

}  // namespace cf::kernels::selftest
