// Shared by checks_cpu.cpp and checks_gpu.cpp (LibTorch): timing and the error measure.
#pragma once
#include <algorithm>
#include <chrono>
#include <functional>

#include <torch/torch.h>

namespace cf::kernels::selftest {

inline double time_ms(const std::function<void()>& f, int reps = 3) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}
inline double max_rel(const torch::Tensor& got, const torch::Tensor& ref) {  // max |got - ref| / (1 + |ref|)
  return ((got.to(torch::kDouble) - ref.to(torch::kDouble)).abs() / (1 + ref.to(torch::kDouble).abs()))
      .max()
      .item<double>();
}

}  // namespace cf::kernels::selftest
