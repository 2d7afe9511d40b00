// CPU twin of the token log-prob op: rows in parallel (at::parallel_for), one row per thread in a
// fixed order (token_logprobs_rows.h: fixed vocabulary chunks, chunk max, 8-lane vectorized
// exp-sum, chunk sums in double; backward recomputes exp(x - lse) in place). The row loops run
// in their AVX2 build when the CPU has AVX2, else in the baseline build: equal bits either way.
#include <ATen/Parallel.h>

#include <atomic>
#include <cstring>

#include "cpu_math.h"
#include "token_logprobs_isa.h"
#include "token_logprobs_raw.h"

#define CF_ROWS_NS baseline
#define CF_ROWS_WIDTH 4
#include "token_logprobs_rows.h"

namespace cf::kernels {
namespace {

std::atomic<int> g_isa{static_cast<int>(CpuIsa::Auto)};

bool use_avx2() {
  static const bool has_avx2 = __builtin_cpu_supports("avx2");
  const auto isa = static_cast<CpuIsa>(g_isa.load());
  return isa == CpuIsa::Avx2 || (isa == CpuIsa::Auto && has_avx2);
}

inline float load(const float* p, int64_t j) { return p[j]; }
inline float load(const uint16_t* p, int64_t j) { return bf16_to_f32(p[j]); }

template <class T>
void forward(const LogitRows& r, float* logp, double* lse) {
  const T* base = static_cast<const T*>(r.logits);
  const auto row_lse = use_avx2() ? &avx2_entry::row_lse<T> : &baseline::row_lse<T>;
  at::parallel_for(0, r.rows, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      if (r.weights != nullptr && r.weights[i] == 0.0f) {
        logp[i] = 0.0f;
        lse[i] = 0.0;
        continue;
      }
      const T* x = base + i * r.stride;
      const double l = row_lse(x, r.vocab);
      lse[i] = l;
      logp[i] = static_cast<float>(static_cast<double>(load(x, r.targets[i])) - l);
    }
  });
}

template <class T>
void backward(T* base, int64_t rows, int64_t vocab, int64_t stride, const int64_t* targets, const double* lse,
              const float* grad) {
  const auto row_grad = use_avx2() ? &avx2_entry::row_grad<T> : &baseline::row_grad<T>;
  at::parallel_for(0, rows, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      T* x = base + i * stride;
      if (grad[i] == 0.0f) std::memset(x, 0, static_cast<size_t>(vocab) * sizeof(T));  // +0 in fp32 and bf16
      else row_grad(x, vocab, targets[i], lse[i], grad[i]);
    }
  });
}

}  // namespace

void token_logprobs_set_cpu_isa(CpuIsa isa) {
  if (isa == CpuIsa::Avx2 && !__builtin_cpu_supports("avx2")) isa = CpuIsa::Baseline;
  g_isa.store(static_cast<int>(isa));
}

const char* token_logprobs_cpu_isa() { return use_avx2() ? "avx2" : "baseline"; }

void token_logprobs_forward_cpu(const LogitRows& r, float* logp, double* lse) {
  if (r.elem == Elem::F32) forward<float>(r, logp, lse);
  else forward<uint16_t>(r, logp, lse);
}

void token_logprobs_backward_cpu(void* logits, Elem elem, int64_t rows, int64_t vocab, int64_t stride,
                                 const int64_t* targets, const double* lse, const float* grad) {
  if (elem == Elem::F32) backward(static_cast<float*>(logits), rows, vocab, stride, targets, lse, grad);
  else backward(static_cast<uint16_t*>(logits), rows, vocab, stride, targets, lse, grad);
}

}  // namespace cf::kernels
