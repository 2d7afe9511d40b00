// Scalar helpers shared by the CPU twins of kernels/: bf16 <-> fp32 with the same rounding as
// c10::BFloat16 (round to nearest even, NaN -> 0x7FC0) and an exp that GCC auto-vectorizes.
// Header-only and torch-free; every function is a pure per-element function, so results never
// depend on how a loop is split across threads or vector lanes.
#pragma once
#include <cstdint>
#include <cstring>

namespace cf::kernels {

inline float bf16_to_f32(uint16_t h) {
  const uint32_t u = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

inline uint16_t f32_to_bf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  const uint32_t rounded = (u + 0x7FFFu + ((u >> 16) & 1u)) >> 16;
  return f != f ? static_cast<uint16_t>(0x7FC0) : static_cast<uint16_t>(rounded);
}

// Coefficients of exp's polynomial on [-ln2/2, ln2/2] (Cephes expf), highest degree first.
constexpr float kExpPoly[6] = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f,
                               4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f};

// exp(x) for x <= 0 (arguments of a softmax shifted by their max) to ~2 ulp; x < -87 gives ~0.
// Cephes-style: 2^n * p(r) with r = x - n ln2, written without calls so loops vectorize.
inline float exp_nonpos(float x) {
  x = x < -87.0f ? -87.0f : x;
  const float t = x * 1.44269504088896341f + 0.5f;  // n = round(x / ln2), |r| <= ln2 / 2
  int32_t n = static_cast<int32_t>(t);              // truncation toward zero
  n -= (static_cast<float>(n) > t) ? 1 : 0;         // floor
  const float fn = static_cast<float>(n);
  float r = x - fn * 0.693359375f;
  r = r + fn * 2.12194440e-4f;
  float p = kExpPoly[0];
  for (int i = 1; i < 6; ++i) p = p * r + kExpPoly[i];
  p = p * r * r + r + 1.0f;
  const int32_t bits = (n + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, 4);
  return p * scale;
}

// Element access for loops templated on the storage type E: float, or uint16_t holding bf16
// bits. Arithmetic stays in fp32; rnd(v, E*) is v as it would be stored in E.
inline float ld(const float* p) { return *p; }
inline float ld(const uint16_t* p) { return bf16_to_f32(*p); }
inline void st(float* p, float v) { *p = v; }
inline void st(uint16_t* p, float v) { *p = f32_to_bf16(v); }
inline float rnd(float v, const float*) { return v; }
inline float rnd(float v, const uint16_t*) { return bf16_to_f32(f32_to_bf16(v)); }

}  // namespace cf::kernels
