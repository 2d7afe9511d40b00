// swiglu_raw.h's loops, compiled with -O3 -mavx2 (CMakeLists.txt) so GCC vectorizes them. Torch-free.
#include "swiglu_raw.h"

#include <cmath>

#include "cpu_math.h"

namespace cf::kernels {

namespace {

inline float sigmoid(float x) {
  const float e = exp_nonpos(-std::fabs(x));
  const float r = 1.0f / (1.0f + e);
  return x >= 0.0f ? r : e * r;
}

}  // namespace

template <class E>
void swiglu_fwd(const E* g, const E* u, E* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float a = ld(g + i);
    st(out + i, a * sigmoid(a) * ld(u + i));
  }
}

template <class E>
void swiglu_bwd(const E* g, const E* u, const E* go, E* dg, E* du, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float a = ld(g + i), s = sigmoid(a), o = ld(go + i);
    st(du + i, o * a * s);
    st(dg + i, o * ld(u + i) * (s * (1.0f + a * (1.0f - s))));
  }
}

template void swiglu_fwd<float>(const float*, const float*, float*, int64_t);
template void swiglu_fwd<uint16_t>(const uint16_t*, const uint16_t*, uint16_t*, int64_t);
template void swiglu_bwd<float>(const float*, const float*, const float*, float*, float*, int64_t);
template void swiglu_bwd<uint16_t>(const uint16_t*, const uint16_t*, const uint16_t*, uint16_t*, uint16_t*, int64_t);

}  // namespace cf::kernels
