// kernels/rms_norm: fused RMSNorm against its plain LibTorch expression (values and gradients; fp32
// tight, bf16 within bf16 rounding) and thread-count independence.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "fused_test_util.h"
#include "rms_norm.h"

namespace cf::kernels {
namespace {

using fused_test::check;
using fused_test::run;

torch::Tensor ref_rms(const torch::Tensor& x, const torch::Tensor& w, double eps) {
  auto xf = x.to(torch::kFloat);
  xf = xf * torch::rsqrt(xf.pow(2).mean(-1, true) + eps);
  return w * xf.to(x.scalar_type());
}

TEST(KernelRmsNorm, RmsNormMatchesReference) {
  torch::manual_seed(1);
  auto x = torch::randn({3, 5, 72}), w = 1 + 0.1 * torch::randn({72}), go = torch::randn({3, 5, 72});
  check([](auto& t) { return fused_rms_norm(t[0], t[1], 1e-6); }, [](auto& t) { return ref_rms(t[0], t[1], 1e-6); },
        {x, w}, go);
}

TEST(KernelRmsNorm, SameBitsForAnyThreadCount) {
  torch::manual_seed(4);
  auto x = torch::randn({64, 512}), w = torch::randn({512}), go = torch::randn({64, 512});
  const int before = at::get_num_threads();
  std::vector<std::vector<torch::Tensor>> res;
  for (int th : {1, 2}) {
    at::set_num_threads(th);
    res.push_back(run([](auto& t) { return fused_rms_norm(t[0], t[1], 1e-5); }, {x, w}, go, torch::kBFloat16));
  }
  at::set_num_threads(before);
  for (size_t i = 0; i < res[0].size(); ++i) EXPECT_TRUE(torch::equal(res[0][i], res[1][i])) << "tensor " << i;
}

}  // namespace
}  // namespace cf::kernels
