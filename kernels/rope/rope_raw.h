// The CPU twin of rope: a torch-free loop compiled for AVX2 (rope_avx2.cpp, -O3 -mavx2; call only
// after a run-time CPU check). E is float or uint16_t (bf16 bits); arithmetic in fp32.
#pragma once
#include <cstdint>

namespace cf::kernels {

// RoPE rows bt in [bt0, bt1) of B*T. fwd: in [B,T,H,hd] -> out [B,H,T,hd]; !fwd: the gradient
// [B,H,T,hd] -> [B,T,H,hd]. cos/sin [T, hd] (HF layout).
template <class E>
void rope(const E* in, E* out, const float* cos, const float* sin, int64_t bt0, int64_t bt1, int64_t t, int64_t h,
          int64_t hd, bool fwd);

}  // namespace cf::kernels
