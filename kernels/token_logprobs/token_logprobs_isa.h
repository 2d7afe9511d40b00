// Row loops of the token log-prob CPU twin compiled for AVX2 (token_logprobs_cpu_avx2.cpp, built
// with -mavx2; only called after a run-time CPU check in token_logprobs_cpu.cpp).
#pragma once
#include <cstdint>

namespace cf::kernels::avx2_entry {

template <class T>
double row_lse(const T* x, int64_t vocab);
template <class T>
void row_grad(T* x, int64_t vocab, int64_t target, double lse, float g);

}  // namespace cf::kernels::avx2_entry
