// Shared by the tests of the fused elementwise ops (rms_norm, rope, swiglu): run an op on leaf
// copies of its inputs and compare output and input gradients with a reference expression.
#pragma once
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace cf::kernels::fused_test {

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

inline double max_abs(const torch::Tensor& t) { return t.abs().max().item<double>(); }

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

}  // namespace cf::kernels::fused_test
