// The per-row loops of the token log-prob CPU twin, written with GCC vector types so the exp is
// vectorized whatever the target. Lanes come in groups of 8 (the lane order of the sums is part
// of the result): token_logprobs_cpu.cpp includes this for the baseline ISA with 4-float
// registers (SSE2, two per group), token_logprobs_cpu_avx2.cpp for AVX2 with 8-float registers.
// Both do the same operations per lane in the same order without FMA contraction, so the two
// paths give bitwise the same results (tested). The includer defines CF_ROWS_NS and
// CF_ROWS_WIDTH (floats per register): each ISA gets its own namespace, so no inline function is
// shared (and merged by the linker) across ISAs; for the same reason no std:: templates here.
//   row_lse:  log sum_j exp(x_j) over fixed 2048-column chunks: chunk max, exp-sum in 8 lanes
//             (the tail of a chunk adds into lane 0 in column order), lane and chunk sums in double.
//   row_grad: x_j <- -g exp(x_j - lse), then x_t <- g (1 - exp(x_t - lse)), in place.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "cpu_math.h"  // kExpPoly only: its inline functions are not used here
#include "token_logprobs_raw.h"

#ifndef CF_ROWS_NS
#error "define CF_ROWS_NS (the ISA namespace) before including token_logprobs_rows.h"
#endif
#if !defined(CF_ROWS_WIDTH) || (CF_ROWS_WIDTH != 4 && CF_ROWS_WIDTH != 8)
#error "define CF_ROWS_WIDTH (4 or 8 floats per register) before including token_logprobs_rows.h"
#endif

namespace cf::kernels::CF_ROWS_NS {

constexpr int W = CF_ROWS_WIDTH;  // floats per register
constexpr int G = 8 / W;          // registers per group of 8 lanes
typedef float vf __attribute__((vector_size(4 * W)));
typedef int32_t vi __attribute__((vector_size(4 * W)));
typedef uint32_t vu __attribute__((vector_size(4 * W)));
typedef uint16_t vh __attribute__((vector_size(2 * W)));

inline vf splat(float f) { return vf{} + f; }

// cpu_math.h's exp_nonpos, lane-wise, operation for operation (equal bits per lane).
inline vf exp_nonpos_v(vf x) {
  x = x < splat(-87.0f) ? splat(-87.0f) : x;
  const vf t = x * 1.44269504088896341f + 0.5f;
  vi n = __builtin_convertvector(t, vi);      // truncation toward zero
  n += (__builtin_convertvector(n, vf) > t);  // -1 where truncation rounded up: floor
  const vf fn = __builtin_convertvector(n, vf);
  vf r = x - fn * 0.693359375f;
  r = r + fn * 2.12194440e-4f;
  vf p = splat(kExpPoly[0]);
  for (int i = 1; i < 6; ++i) p = p * r + kExpPoly[i];
  p = p * r * r + r + 1.0f;
  const vi bits = (n + 127) << 23;
  return p * (vf)bits;  // GCC vector cast: the same bits as float lanes
}

// Loads W elements (n < W: the first n, the rest padded with -inf) as fp32.
inline vf load(const float* p, int n = W) {
  vf v = splat(-std::numeric_limits<float>::infinity());
  std::memcpy(&v, p, static_cast<size_t>(n) * 4);
  return v;
}
inline vf load(const uint16_t* p, int n = W) {
  vh h = vh{} + static_cast<uint16_t>(0xFF80);  // bf16 -inf
  std::memcpy(&h, p, static_cast<size_t>(n) * 2);
  const vu u = __builtin_convertvector(h, vu) << 16;
  return (vf)u;
}

// Stores the first n lanes; bf16 rounds to nearest even like cpu_math.h's f32_to_bf16.
inline void store(float* p, vf v, int n = W) { std::memcpy(p, &v, static_cast<size_t>(n) * 4); }
inline void store(uint16_t* p, vf v, int n = W) {
  const vu u = (vu)v;
  vu r = (u + 0x7FFFu + ((u >> 16) & 1u)) >> 16;
  r = (v != v) ? vu{} + 0x7FC0u : r;
  const vh h = __builtin_convertvector(r, vh);
  std::memcpy(p, &h, static_cast<size_t>(n) * 2);
}

inline int clamp_lanes(int64_t n) { return n < 0 ? 0 : (n > W ? W : static_cast<int>(n)); }

template <class T>
double row_lse(const T* x, int64_t vocab) {
  alignas(32) float buf[kVocabChunk + 8];
  const double inf = std::numeric_limits<double>::infinity();
  double m = -inf, s = 0.0;
  for (int64_t c0 = 0; c0 < vocab; c0 += kVocabChunk) {
    const int64_t len = vocab - c0 < kVocabChunk ? vocab - c0 : kVocabChunk;
    const int64_t full = len & ~int64_t{7};
    const int tail = static_cast<int>(len - full);
    vf mx[G];
    for (int g = 0; g < G; ++g) mx[g] = splat(-std::numeric_limits<float>::infinity());
    for (int64_t j = 0; j < full; j += 8)
      for (int g = 0; g < G; ++g) {
        const vf v = load(x + c0 + j + g * W);
        std::memcpy(buf + j + g * W, &v, 4 * W);
        mx[g] = mx[g] < v ? v : mx[g];
      }
    if (tail > 0)  // padded with -inf up to the group of 8
      for (int g = 0; g < G; ++g) {
        const vf v = load(x + c0 + full + g * W, clamp_lanes(tail - g * W));
        std::memcpy(buf + full + g * W, &v, 4 * W);
        mx[g] = mx[g] < v ? v : mx[g];
      }
    float cm = mx[0][0];
    for (int k = 1; k < 8; ++k) cm = cm < mx[k / W][k % W] ? mx[k / W][k % W] : cm;
    const double nm = m < static_cast<double>(cm) ? static_cast<double>(cm) : m;
    const vf fnm = splat(static_cast<float>(nm));  // nm is one of the inputs: exact in fp32
    vf acc[G];
    for (int g = 0; g < G; ++g) acc[g] = splat(0.0f);
    for (int64_t j = 0; j < full; j += 8)
      for (int g = 0; g < G; ++g) acc[g] += exp_nonpos_v(load(buf + j + g * W) - fnm);
    float a[8];
    std::memcpy(a, acc, 32);
    for (int k = 0; k < tail; ++k) a[0] += exp_nonpos_v(load(buf + full + k / W * W) - fnm)[k % W];  // lane 0, in order
    double cs = 0;
    for (int k = 0; k < 8; ++k) cs += a[k];
    s = (m == -inf ? 0.0 : s * std::exp(m - nm)) + cs;
    m = nm;
  }
  return m + std::log(s);
}

template <class T>
void row_grad(T* x, int64_t vocab, int64_t target, double lse, float g) {
  // lse = hi + lo in two floats: x - hi is exact when x is near hi (|logits| up to 1e4).
  const float hi = static_cast<float>(lse), lo = static_cast<float>(lse - hi);
  const vf vhi = splat(hi), vlo = splat(lo), ng = splat(-g), zero = splat(0.0f);
  const vf dt = (load(x + target, 1) - vhi) - vlo;
  const vf et = exp_nonpos_v(zero < dt ? zero : dt);  // std::min(d, 0) of the scalar code
  const int64_t full = vocab - vocab % W;
  for (int64_t j = 0; j < full; j += W) {
    const vf d = (load(x + j) - vhi) - vlo;
    store(x + j, ng * exp_nonpos_v(zero < d ? zero : d));
  }
  if (full < vocab) {
    const int n = static_cast<int>(vocab - full);
    const vf d = (load(x + full, n) - vhi) - vlo;
    store(x + full, ng * exp_nonpos_v(zero < d ? zero : d), n);
  }
  store(x + target, splat(g) * (splat(1.0f) - et), 1);
}

}  // namespace cf::kernels::CF_ROWS_NS
