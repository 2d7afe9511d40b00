// The CPU twin of swiglu: torch-free loops compiled for AVX2 (swiglu_avx2.cpp, -O3 -mavx2; call
// only after a run-time CPU check). E is float or uint16_t (bf16 bits); arithmetic in fp32.
#pragma once
#include <cstdint>

namespace cf::kernels {

// out = silu(g) * u; backward dg = go * u * silu'(g), du = go * silu(g). Elements [0, n).
template <class E>
void swiglu_fwd(const E* g, const E* u, E* out, int64_t n);
template <class E>
void swiglu_bwd(const E* g, const E* u, const E* go, E* dg, E* du, int64_t n);

}  // namespace cf::kernels
