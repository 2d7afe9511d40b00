// kernels/swiglu: fused SwiGLU against its plain LibTorch expression (values and gradients; fp32
// tight, bf16 within bf16 rounding) and thread-count independence.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "fused_test_util.h"
#include "swiglu.h"

namespace cf::kernels {
namespace {

using fused_test::check;
using fused_test::run;

torch::Tensor ref_swiglu(const torch::Tensor& g, const torch::Tensor& u) { return torch::silu(g) * u; }

TEST(KernelSwiglu, SwigluMatchesReference) {
  torch::manual_seed(3);
  auto g = 4 * torch::randn({4, 9, 40}), u = torch::randn({4, 9, 40}), go = torch::randn({4, 9, 40});
  check([](auto& v) { return fused_swiglu(v[0], v[1]); }, [](auto& v) { return ref_swiglu(v[0], v[1]); }, {g, u}, go);
}

TEST(KernelSwiglu, SameBitsForAnyThreadCount) {
  torch::manual_seed(4);
  auto g = torch::randn({64, 4096}), u = torch::randn({64, 4096}), go = torch::randn({64, 4096});
  const int before = at::get_num_threads();
  std::vector<std::vector<torch::Tensor>> res;
  for (int th : {1, 2}) {
    at::set_num_threads(th);
    res.push_back(run([](auto& t) { return fused_swiglu(t[0], t[1]); }, {g, u}, go, torch::kBFloat16));
  }
  at::set_num_threads(before);
  for (size_t i = 0; i < res[0].size(); ++i) EXPECT_TRUE(torch::equal(res[0][i], res[1][i])) << "tensor " << i;
}

}  // namespace
}  // namespace cf::kernels
