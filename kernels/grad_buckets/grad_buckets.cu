// CUDA twin of the bucket conversions: grid-stride elementwise loops.
#include "cuda_util.cuh"
#include "grad_buckets_raw.h"

namespace cf::kernels {
namespace {
using namespace cuda;

__device__ __forceinline__ void put(float* d, int64_t i, double v, bool acc) {
  d[i] = acc ? d[i] + static_cast<float>(v) : static_cast<float>(v);
}
__device__ __forceinline__ void put(double* d, int64_t i, double v, bool acc) { d[i] = acc ? d[i] + v : v; }
__device__ __forceinline__ void put(uint16_t* d, int64_t i, double v, bool) {
  d[i] = f32_to_bf16(static_cast<float>(v));
}
__device__ __forceinline__ double get(const float* s, int64_t i) { return s[i]; }
__device__ __forceinline__ double get(const double* s, int64_t i) { return s[i]; }
__device__ __forceinline__ double get(const uint16_t* s, int64_t i) { return bf16_to_f32(s[i]); }

template <class S, class D>
__global__ void convert_kernel(const S* s, D* d, int64_t n, bool acc) {
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)
    put(d, i, get(s, i), acc);  // fp32 / bf16 values are exact in double: one rounding, as on the CPU
}

template <class S, class D>
void launch(const void* src, void* dst, int64_t n, bool acc, cudaStream_t st) {
  const unsigned blocks = static_cast<unsigned>(std::min<int64_t>((n + kBlock - 1) / kBlock, 4096));
  convert_kernel<S, D><<<blocks, kBlock, 0, st>>>(static_cast<const S*>(src), static_cast<D*>(dst), n, acc);
  check_launch("convert_cuda");
}

}  // namespace

void convert_cuda(const void* src, Elem st, void* dst, Elem dt, int64_t n, bool acc, void* stream) {
  if (n == 0) return;
  auto s = static_cast<cudaStream_t>(stream);
  if (dt == Elem::BF16 && acc) throw std::invalid_argument("convert: no accumulation into bf16");
  auto pick = [&](auto src_tag) {
    using S = decltype(src_tag);
    if (dt == Elem::F32) launch<S, float>(src, dst, n, acc, s);
    else if (dt == Elem::F64) launch<S, double>(src, dst, n, acc, s);
    else launch<S, uint16_t>(src, dst, n, acc, s);
  };
  if (st == Elem::F32) pick(float{});
  else if (st == Elem::BF16) pick(uint16_t{});
  else pick(double{});
}

}  // namespace cf::kernels
