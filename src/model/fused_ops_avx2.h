// Loops of model/fused_ops.cpp compiled for AVX2 (fused_ops_avx2.cpp, built with -O3 -mavx2; call
// only after a run-time CPU check). E is float or uint16_t (bf16 bits); arithmetic in fp32, every
// element in a fixed order. Each function covers a range so the caller can split it over threads.
#pragma once
#include <cstdint>

namespace cf::fused_avx2 {

// out = silu(g) * u; backward dg = go * u * silu'(g), du = go * silu(g). Elements [0, n).
template <class E>
void swiglu_fwd(const E* g, const E* u, E* out, int64_t n);
template <class E>
void swiglu_bwd(const E* g, const E* u, const E* go, E* dg, E* du, int64_t n);

// RMSNorm of rows [0, rows) of width d: rinv[r] = 1 / sqrt(mean(x^2) + eps), out = w * round(x * rinv).
template <class E>
void rms_fwd(const E* x, const E* w, E* out, float* rinv, int64_t rows, int64_t d, float eps);
// dx = rinv * dy - x * rinv^3 * mean(dy * x), dy = go * w, rows [0, rows).
template <class E>
void rms_bwd_dx(const E* x, const E* w, const E* go, const float* rinv, E* dx, int64_t rows, int64_t d);
// dw[j] += sum over all rows (in order) of go * round(x * rinv), columns [j0, j1).
template <class E>
void rms_bwd_dw(const E* x, const E* go, const float* rinv, float* dw, int64_t rows, int64_t d, int64_t j0, int64_t j1);

// RoPE rows bt in [bt0, bt1) of B*T. fwd: in [B,T,H,hd] -> out [B,H,T,hd]; !fwd: the gradient
// [B,H,T,hd] -> [B,T,H,hd]. cos/sin [T, hd] (HF layout).
template <class E>
void rope(const E* in, E* out, const float* cos, const float* sin, int64_t bt0, int64_t bt1, int64_t t, int64_t h,
          int64_t hd, bool fwd);

}  // namespace cf::fused_avx2
