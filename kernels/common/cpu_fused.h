// Shared by the LibTorch entry points of the CPU-fused elementwise ops (rms_norm, rope, swiglu):
// when the fused loops apply, and a dispatch from a dtype to their storage type. Include from
// .cpp files only (it includes LibTorch).
#pragma once
#include <algorithm>
#include <cstdint>
#include <initializer_list>

#include <torch/torch.h>

namespace cf::kernels {

// All tensors on the CPU with one dtype, fp32 or bf16, and the CPU has AVX2 (the loops are
// compiled for it); otherwise callers take the LibTorch expression (GPU tensors included).
inline bool cpu_fusable(std::initializer_list<torch::Tensor> ts) {
  static const bool has_avx2 = __builtin_cpu_supports("avx2");
  const auto t = ts.begin()->scalar_type();
  if (!has_avx2 || (t != torch::kFloat && t != torch::kBFloat16)) return false;
  return std::all_of(ts.begin(), ts.end(), [&](const torch::Tensor& x) { return x.is_cpu() && x.scalar_type() == t; });
}

// Calls f(E{}) with E the storage type of dtype t: float or uint16_t (bf16 bits).
template <typename F>
void dispatch_storage(torch::ScalarType t, F&& f) {
  if (t == torch::kFloat) f(float{});
  else f(uint16_t{});
}
template <typename E>
E* storage(const torch::Tensor& x) {
  return reinterpret_cast<E*>(x.data_ptr());
}

constexpr int64_t kFusedGrain = 16384;  // elements per at::parallel_for chunk

}  // namespace cf::kernels
