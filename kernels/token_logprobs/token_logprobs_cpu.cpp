// CPU twin of the token log-prob op: rows in parallel (at::parallel_for), each row in fixed
// vocabulary chunks: convert to fp32, chunk max, exp-sum in 8 fixed lanes (vectorizable),
// chunk sums rescaled and added in double. Backward recomputes exp(x - lse) in place.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "cpu_math.h"
#include "token_logprobs_raw.h"

namespace cf::kernels {
namespace {

template <class T>
inline float load(const T* p, int64_t j);
template <>
inline float load<float>(const float* p, int64_t j) { return p[j]; }
template <>
inline float load<uint16_t>(const uint16_t* p, int64_t j) { return bf16_to_f32(p[j]); }

template <class T>
inline void store(T* p, int64_t j, float v);
template <>
inline void store<float>(float* p, int64_t j, float v) { p[j] = v; }
template <>
inline void store<uint16_t>(uint16_t* p, int64_t j, float v) { p[j] = f32_to_bf16(v); }

template <class T>
double row_lse(const T* x, int64_t vocab) {
  alignas(64) float buf[kVocabChunk];
  double m = -std::numeric_limits<double>::infinity(), s = 0.0;
  for (int64_t c0 = 0; c0 < vocab; c0 += kVocabChunk) {
    const int64_t len = std::min(kVocabChunk, vocab - c0);
    float mx[8];
    std::fill(mx, mx + 8, -std::numeric_limits<float>::infinity());
    int64_t j = 0;
    for (; j + 8 <= len; j += 8)
      for (int k = 0; k < 8; ++k) {
        buf[j + k] = load(x, c0 + j + k);
        mx[k] = std::max(mx[k], buf[j + k]);
      }
    for (; j < len; ++j) {
      buf[j] = load(x, c0 + j);
      mx[0] = std::max(mx[0], buf[j]);
    }
    float cm = mx[0];
    for (int k = 1; k < 8; ++k) cm = std::max(cm, mx[k]);
    const double nm = std::max(m, static_cast<double>(cm));
    const float fnm = static_cast<float>(nm);  // nm is one of the inputs, exact in fp32
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    j = 0;
    for (; j + 8 <= len; j += 8)
      for (int k = 0; k < 8; ++k) acc[k] += exp_nonpos(buf[j + k] - fnm);
    for (; j < len; ++j) acc[0] += exp_nonpos(buf[j] - fnm);
    double cs = 0;
    for (int k = 0; k < 8; ++k) cs += acc[k];
    s = (m == -std::numeric_limits<double>::infinity() ? 0.0 : s * std::exp(m - nm)) + cs;
    m = nm;
  }
  return m + std::log(s);
}

template <class T>
void forward(const LogitRows& r, float* logp, double* lse) {
  const T* base = static_cast<const T*>(r.logits);
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
  at::parallel_for(0, rows, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      T* x = base + i * stride;
      const float g = grad[i];
      if (g == 0.0f) {
        for (int64_t j = 0; j < vocab; ++j) store(x, j, 0.0f);
        continue;
      }
      // lse = hi + lo in two floats: x - hi is exact when x is near hi (|logits| up to 1e4).
      const float hi_ = static_cast<float>(lse[i]), lo_ = static_cast<float>(lse[i] - hi_), ng = -g;
      const float xt = load(x, targets[i]);
      for (int64_t j = 0; j < vocab; ++j) store(x, j, ng * exp_nonpos(std::min((load(x, j) - hi_) - lo_, 0.0f)));
      store(x, targets[i], g * (1.0f - exp_nonpos(std::min((xt - hi_) - lo_, 0.0f))));
    }
  });
}

}  // namespace

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
