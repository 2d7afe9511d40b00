// Test helpers for "every output element is written": fill output buffers with NaN (fp32/fp64)
// or a bf16 NaN (0xFFFF) before an op runs, and JunkFill: while alive, every CPU tensor LibTorch
// allocates starts as junk (c10's caffe2_cpu_allocator_do_junk_fill: 0x7fedbeef words, NaN in
// fp32), so outputs an op allocates itself and forgets to write show up as NaN or garbage.
#pragma once
#include <cstdint>
#include <limits>

#include <c10/util/Flags.h>
#include <torch/torch.h>

C10_DECLARE_bool(caffe2_cpu_allocator_do_junk_fill);

namespace cf::kernels::test {

class JunkFill {
 public:
  JunkFill() : before_(FLAGS_caffe2_cpu_allocator_do_junk_fill) { FLAGS_caffe2_cpu_allocator_do_junk_fill = true; }
  ~JunkFill() { FLAGS_caffe2_cpu_allocator_do_junk_fill = before_; }
  JunkFill(const JunkFill&) = delete;
  JunkFill& operator=(const JunkFill&) = delete;

 private:
  bool before_;
};

// A tensor of `n` elements of `dtype` whose every element is NaN.
inline torch::Tensor poisoned(int64_t n, torch::ScalarType dtype) {
  if (dtype == torch::kBFloat16)
    return torch::full({n}, static_cast<int16_t>(-1), torch::kShort).view(torch::kBFloat16);
  return torch::full({n}, std::numeric_limits<double>::quiet_NaN(), torch::TensorOptions().dtype(dtype));
}

// Number of elements of `t` that are still NaN (never written, or written as NaN).
inline int64_t nan_count(const torch::Tensor& t) { return t.isnan().sum().item<int64_t>(); }

}  // namespace cf::kernels::test
