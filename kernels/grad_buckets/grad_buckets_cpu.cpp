// CPU twin of the bucket conversions: blocks of 64k elements in parallel, one vectorizable loop
// per (source type, destination type, accumulate) combination.
#include <ATen/Parallel.h>

#include <stdexcept>

#include "cpu_math.h"
#include "grad_buckets_raw.h"

namespace cf::kernels {
namespace {

template <class S, class D>
inline D cast(S x);
template <>
inline float cast<float, float>(float x) {
  return x;
}
template <>
inline float cast<uint16_t, float>(uint16_t x) {
  return bf16_to_f32(x);
}
template <>
inline double cast<float, double>(float x) {
  return x;
}
template <>
inline double cast<uint16_t, double>(uint16_t x) {
  return bf16_to_f32(x);
}
template <>
inline double cast<double, double>(double x) {
  return x;
}
template <>
inline uint16_t cast<float, uint16_t>(float x) {
  return f32_to_bf16(x);
}
template <>
inline uint16_t cast<uint16_t, uint16_t>(uint16_t x) {
  return x;
}
template <>
inline float cast<double, float>(double x) {
  return static_cast<float>(x);
}

template <class S, class D>
void run(const void* src, void* dst, int64_t n, bool acc) {
  const S* __restrict s = static_cast<const S*>(src);
  D* __restrict d = static_cast<D*>(dst);
  at::parallel_for(0, n, 1 << 16, [&](int64_t lo, int64_t hi) {
    if (acc)
      for (int64_t i = lo; i < hi; ++i) d[i] = d[i] + cast<S, D>(s[i]);
    else
      for (int64_t i = lo; i < hi; ++i) d[i] = cast<S, D>(s[i]);
  });
}

}  // namespace

void convert_cpu(const void* src, Elem st, void* dst, Elem dt, int64_t n, bool accumulate) {
  if (dt == Elem::BF16 && accumulate) throw std::invalid_argument("convert: no accumulation into bf16");
  if (st == Elem::F32 && dt == Elem::F32) return run<float, float>(src, dst, n, accumulate);
  if (st == Elem::BF16 && dt == Elem::F32) return run<uint16_t, float>(src, dst, n, accumulate);
  if (st == Elem::F32 && dt == Elem::F64) return run<float, double>(src, dst, n, accumulate);
  if (st == Elem::BF16 && dt == Elem::F64) return run<uint16_t, double>(src, dst, n, accumulate);
  if (st == Elem::F64 && dt == Elem::F64) return run<double, double>(src, dst, n, accumulate);
  if (st == Elem::F32 && dt == Elem::BF16) return run<float, uint16_t>(src, dst, n, false);
  if (st == Elem::BF16 && dt == Elem::BF16) return run<uint16_t, uint16_t>(src, dst, n, false);
  if (st == Elem::F64 && dt == Elem::F32) return run<double, float>(src, dst, n, accumulate);
  throw std::invalid_argument("convert: unsupported pair of element types");
}

}  // namespace cf::kernels
