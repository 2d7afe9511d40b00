// model/fused_ops: fused RMSNorm, RoPE and SwiGLU against their plain LibTorch expressions
// (values and gradients; fp32 tight, bf16 within bf16 rounding) and thread-count independence.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "model/fused_ops.h"

namespace cf {
namespace {

torch::Tensor ref_rms(const torch::Tensor& x, const torch::Tensor& w, double eps) {
  auto xf = x.to(torch::kFloat);
  xf = xf * torch::rsqrt(xf.pow(2).mean(-1, true) + eps);
  return w * xf.to(x.scalar_type());
}
torch::Tensor ref_rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  auto xt = x.transpose(1, 2);
  const auto h = xt.size(-1) / 2;
  auto rot = torch::cat({-xt.slice(-1, h), xt.slice(-1, 0, h)}, -1);
  return xt * cos.to(x.scalar_type()) + rot * sin.to(x.scalar_type());
}
torch::Tensor ref_swiglu(const torch::Tensor& g, const torch::Tensor& u) { return torch::silu(g) * u; }

// Runs f on leaf copies of `inputs` (dtype dt) with output gradient `go`; returns output then input grads.
template <class F>
std::vector<torch::Tensor> run(F f, const std::vector<torch::Tensor>& inputs, const torch::Tensor& go,
                               torch::ScalarType dt) {
  std::vector<torch::Tensor> leaves;
  for (auto& t : inputs) leaves.push_back(t.to(dt).detach().requires_grad_(true));
  auto out = f(leaves);
  out.backward(go.to(dt).view(out.sizes()));
  std::vector<torch::Tensor> res{out.detach().to(torch::kFloat)};
  for (auto& l : leaves) res.push_back(l.grad().to(torch::kFloat));
  return res;
}

double max_abs(const torch::Tensor& t) { return t.abs().max().item<double>(); }

// Fused vs reference: fp32 within 1e-5 relative to each tensor's max; bf16 fused vs fp32
// reference within 3e-2 of the max (one bf16 rounding of inputs/outputs).
template <class F, class R>
void check(F fused, R ref, const std::vector<torch::Tensor>& inputs, const torch::Tensor& go) {
  auto want = run(ref, inputs, go, torch::kFloat);
  auto got = run(fused, inputs, go, torch::kFloat);
  auto got16 = run(fused, inputs, go, torch::kBFloat16);
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const double scale = max_abs(want[i]) + 1e-12;
    EXPECT_LT(max_abs(got[i] - want[i]) / scale, 1e-5) << "fp32 tensor " << i;
    EXPECT_LT(max_abs(got16[i] - want[i]) / scale, 3e-2) << "bf16 tensor " << i;
  }
}

TEST(ModelFusedOps, RmsNormMatchesReference) {
  torch::manual_seed(1);
  auto x = torch::randn({3, 5, 72}), w = 1 + 0.1 * torch::randn({72}), go = torch::randn({3, 5, 72});
  check([](auto& t) { return fused_rms_norm(t[0], t[1], 1e-6); }, [](auto& t) { return ref_rms(t[0], t[1], 1e-6); },
        {x, w}, go);
}

TEST(ModelFusedOps, RopeMatchesReference) {
  torch::manual_seed(2);
  const int64_t b = 2, t = 7, h = 3, hd = 16;
  auto pos = torch::arange(t, torch::kFloat);
  auto inv = torch::pow(10000.0, -torch::arange(0, hd, 2, torch::kFloat) / static_cast<double>(hd));
  auto f = torch::outer(pos, inv);
  auto emb = torch::cat({f, f}, -1);
  auto cos = emb.cos(), sin = emb.sin();
  auto x = torch::randn({b, t, h, hd}), go = torch::randn({b, h, t, hd});
  check([&](auto& v) { return fused_rope(v[0], cos, sin); }, [&](auto& v) { return ref_rope(v[0], cos, sin); }, {x},
        go);
}

TEST(ModelFusedOps, SwigluMatchesReference) {
  torch::manual_seed(3);
  auto g = 4 * torch::randn({4, 9, 40}), u = torch::randn({4, 9, 40}), go = torch::randn({4, 9, 40});
  check([](auto& v) { return fused_swiglu(v[0], v[1]); }, [](auto& v) { return ref_swiglu(v[0], v[1]); }, {g, u}, go);
}

TEST(ModelFusedOps, SameBitsForAnyThreadCount) {
  torch::manual_seed(4);
  auto x = torch::randn({64, 512}), w = torch::randn({512}), go = torch::randn({64, 512});
  auto g = torch::randn({64, 4096}), u = torch::randn({64, 4096}), go2 = torch::randn({64, 4096});
  const int before = at::get_num_threads();
  std::vector<std::vector<torch::Tensor>> res;
  for (int th : {1, 2}) {
    at::set_num_threads(th);
    auto a = run([](auto& t) { return fused_rms_norm(t[0], t[1], 1e-5); }, {x, w}, go, torch::kBFloat16);
    auto b = run([](auto& t) { return fused_swiglu(t[0], t[1]); }, {g, u}, go2, torch::kBFloat16);
    a.insert(a.end(), b.begin(), b.end());
    res.push_back(a);
  }
  at::set_num_threads(before);
  for (size_t i = 0; i < res[0].size(); ++i) EXPECT_TRUE(torch::equal(res[0][i], res[1][i])) << "tensor " << i;
}

}  // namespace
}  // namespace cf
