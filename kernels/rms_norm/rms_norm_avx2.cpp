// rms_norm_raw.h's loops, compiled with -O3 -mavx2 (CMakeLists.txt) so GCC vectorizes them. Torch-free.
#include "rms_norm_raw.h"

#include <cmath>

#include "cpu_math.h"

namespace cf::kernels {

namespace {

// Sum over i < n of a[i] * b[i] * c[i] (c may be null: 1) in 8 lanes, lanes added in order.
template <class E>
float dot8(const E* a, const E* b, const E* c, int64_t n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; ++l) acc[l] += ld(a + i + l) * ld(b + i + l) * (c ? ld(c + i + l) : 1.0f);
  for (int l = 0; i < n; ++i, ++l) acc[l] += ld(a + i) * ld(b + i) * (c ? ld(c + i) : 1.0f);
  float s = 0;
  for (float v : acc) s += v;
  return s;
}

}  // namespace

template <class E>
void rms_fwd(const E* x, const E* w, E* out, float* rinv, int64_t rows, int64_t d, float eps) {
  for (int64_t r = 0; r < rows; ++r) {
    const E* xr = x + r * d;
    E* yr = out + r * d;
    const float inv = 1.0f / std::sqrt(dot8<E>(xr, xr, nullptr, d) / static_cast<float>(d) + eps);
    rinv[r] = inv;
    for (int64_t i = 0; i < d; ++i) st(yr + i, ld(w + i) * rnd(ld(xr + i) * inv, x));
  }
}

template <class E>
void rms_bwd_dx(const E* x, const E* w, const E* go, const float* rinv, E* dx, int64_t rows, int64_t d) {
  for (int64_t r = 0; r < rows; ++r) {
    const E *xr = x + r * d, *gr = go + r * d;
    E* dr = dx + r * d;
    const float inv = rinv[r], c = inv * inv * inv * dot8<E>(gr, w, xr, d) / static_cast<float>(d);
    for (int64_t i = 0; i < d; ++i) st(dr + i, inv * (ld(gr + i) * ld(w + i)) - ld(xr + i) * c);
  }
}

template <class E>
void rms_bwd_dw(const E* x, const E* go, const float* rinv, float* dw, int64_t rows, int64_t d, int64_t j0,
                int64_t j1) {
  for (int64_t r = 0; r < rows; ++r) {
    const E *xr = x + r * d, *gr = go + r * d;
    const float inv = rinv[r];
    for (int64_t j = j0; j < j1; ++j) dw[j] += ld(gr + j) * rnd(ld(xr + j) * inv, x);
  }
}

#define CF_RMS_INSTANTIATE(E)                                                                    \
  template void rms_fwd<E>(const E*, const E*, E*, float*, int64_t, int64_t, float);             \
  template void rms_bwd_dx<E>(const E*, const E*, const E*, const float*, E*, int64_t, int64_t); \
  template void rms_bwd_dw<E>(const E*, const E*, const float*, float*, int64_t, int64_t, int64_t, int64_t);
CF_RMS_INSTANTIATE(float)
CF_RMS_INSTANTIATE(uint16_t)

}  // namespace cf::kernels
