// model/fused_ops_avx2.h's loops; this file is compiled with -O3 -mavx2 (src/model/CMakeLists.txt)
// so GCC vectorizes them. Torch-free.
#include "model/fused_ops_avx2.h"

#include <cmath>

#include "cpu_math.h"  // kernels/common: bf16 <-> fp32 as c10::BFloat16, vectorizable exp

namespace cf::fused_avx2 {

namespace {

using kernels::bf16_to_f32;
using kernels::f32_to_bf16;

inline float ld(const float* p) { return *p; }
inline float ld(const uint16_t* p) { return bf16_to_f32(*p); }
inline void st(float* p, float v) { *p = v; }
inline void st(uint16_t* p, float v) { *p = f32_to_bf16(v); }
inline float rnd(float v, const float*) { return v; }  // v as stored in the element type
inline float rnd(float v, const uint16_t*) { return bf16_to_f32(f32_to_bf16(v)); }

inline float sigmoid(float x) {
  const float e = kernels::exp_nonpos(-std::fabs(x));
  const float r = 1.0f / (1.0f + e);
  return x >= 0.0f ? r : e * r;
}

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
void rms_bwd_dw(const E* x, const E* go, const float* rinv, float* dw, int64_t rows, int64_t d, int64_t j0, int64_t j1) {
  for (int64_t r = 0; r < rows; ++r) {
    const E *xr = x + r * d, *gr = go + r * d;
    const float inv = rinv[r];
    for (int64_t j = j0; j < j1; ++j) dw[j] += ld(gr + j) * rnd(ld(xr + j) * inv, x);
  }
}

// forward  a' = a c1 - b s1, b' = b c2 + a s2; backward ga = g1 c1 + g2 s2, gb = g2 c2 - g1 s1
// (a, b: first and second half of a head; c1/s1, c2/s2: the tables' halves).
template <class E>
void rope(const E* in, E* out, const float* cos, const float* sin, int64_t bt0, int64_t bt1, int64_t t, int64_t h,
          int64_t hd, bool fwd) {
  const int64_t half = hd / 2;
  for (int64_t bt = bt0; bt < bt1; ++bt) {
    const int64_t bi = bt / t, ti = bt % t;
    const float *c1 = cos + ti * hd, *s1 = sin + ti * hd, *c2 = c1 + half, *s2 = s1 + half;
    for (int64_t hi = 0; hi < h; ++hi) {
      const int64_t btd = (bt * h + hi) * hd, bhd = ((bi * h + hi) * t + ti) * hd;
      const E* x = in + (fwd ? btd : bhd);
      E* y = out + (fwd ? bhd : btd);
      if (fwd) {
        for (int64_t i = 0; i < half; ++i) {
          const float a = ld(x + i), b = ld(x + half + i);
          st(y + i, a * c1[i] - b * s1[i]);
          st(y + half + i, b * c2[i] + a * s2[i]);
        }
      } else {
        for (int64_t i = 0; i < half; ++i) {
          const float a = ld(x + i), b = ld(x + half + i);
          st(y + i, a * c1[i] + b * s2[i]);
          st(y + half + i, b * c2[i] - a * s1[i]);
        }
      }
    }
  }
}

#define CF_FUSED_INSTANTIATE(E)                                                                              \
  template void swiglu_fwd<E>(const E*, const E*, E*, int64_t);                                              \
  template void swiglu_bwd<E>(const E*, const E*, const E*, E*, E*, int64_t);                                \
  template void rms_fwd<E>(const E*, const E*, E*, float*, int64_t, int64_t, float);                         \
  template void rms_bwd_dx<E>(const E*, const E*, const E*, const float*, E*, int64_t, int64_t);             \
  template void rms_bwd_dw<E>(const E*, const E*, const float*, float*, int64_t, int64_t, int64_t, int64_t); \
  template void rope<E>(const E*, E*, const float*, const float*, int64_t, int64_t, int64_t, int64_t, int64_t, bool);
CF_FUSED_INSTANTIATE(float)
CF_FUSED_INSTANTIATE(uint16_t)

}  // namespace cf::fused_avx2
