// Pointer-level element conversion for gradient buckets (CPU twin and CUDA), torch-free:
// dst[i] = convert(src[i]) or dst[i] += convert(src[i]) between fp32, bf16 and fp64, with
// bf16 rounding to nearest even (as c10::BFloat16). One rounding per element, the same as
// LibTorch's `dst.add_(src.to(dst.dtype))`, so swapping it in keeps results bitwise.
#pragma once
#include <cstdint>

#include "dtype.h"

namespace cf::kernels {

void convert_cpu(const void* src, Elem src_t, void* dst, Elem dst_t, int64_t n, bool accumulate);
void convert_cuda(const void* src, Elem src_t, void* dst, Elem dst_t, int64_t n, bool accumulate, void* stream);

}  // namespace cf::kernels
