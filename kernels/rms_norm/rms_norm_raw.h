// The CPU twin of rms_norm: torch-free loops compiled for AVX2 (rms_norm_avx2.cpp, -O3 -mavx2;
// call only after a run-time CPU check). E is float or uint16_t (bf16 bits); arithmetic in fp32,
// every element in a fixed order. Each function covers a range so callers can split it over threads.
#pragma once
#include <cstdint>

namespace cf::kernels {

// rows [0, rows) of width d: rinv[r] = 1 / sqrt(mean(x^2) + eps), out = w * round(x * rinv).
template <class E>
void rms_fwd(const E* x, const E* w, E* out, float* rinv, int64_t rows, int64_t d, float eps);
// dx = rinv * dy - x * rinv^3 * mean(dy * x), dy = go * w, rows [0, rows).
template <class E>
void rms_bwd_dx(const E* x, const E* w, const E* go, const float* rinv, E* dx, int64_t rows, int64_t d);
// dw[j] += sum over all rows (in order) of go * round(x * rinv), columns [j0, j1).
template <class E>
void rms_bwd_dw(const E* x, const E* go, const float* rinv, float* dw, int64_t rows, int64_t d, int64_t j0, int64_t j1);

}  // namespace cf::kernels
