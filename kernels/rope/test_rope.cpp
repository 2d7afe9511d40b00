// kernels/rope: fused RoPE against its plain LibTorch expression (values and gradients; fp32
// tight, bf16 within bf16 rounding).
#include <tuple>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "fused_test_util.h"
#include "rope.h"

namespace cf::kernels {
namespace {

using fused_test::check;
using fused_test::run;

torch::Tensor ref_rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  auto xt = x.transpose(1, 2);
  const auto h = xt.size(-1) / 2;
  auto rot = torch::cat({-xt.slice(-1, h), xt.slice(-1, 0, h)}, -1);
  return xt * cos.to(x.scalar_type()) + rot * sin.to(x.scalar_type());
}

TEST(KernelRope, RopeMatchesReference) {
  torch::manual_seed(2);
  const int64_t b = 2, t = 7, h = 3, hd = 16;
  torch::Tensor cos, sin;
  std::tie(cos, sin) = rope_tables(torch::arange(t), hd);
  auto x = torch::randn({b, t, h, hd}), go = torch::randn({b, h, t, hd});
  check([&](auto& v) { return fused_rope(v[0], cos, sin); }, [&](auto& v) { return ref_rope(v[0], cos, sin); }, {x},
        go);
}

}  // namespace
}  // namespace cf::kernels
