// CUDA twin of the token log-prob op: one block per row for the forward (each thread keeps an
// online (max, sum) over its strided columns, then a fixed-order block merge); the backward is
// elementwise over [rows, vocab] tiles, in place.
#include <cfloat>

#include "cuda_util.cuh"
#include "token_logprobs_raw.h"

namespace cf::kernels {
namespace {
using namespace cuda;

template <class T>
__global__ void lse_rows(const T* logits, int64_t vocab, int64_t stride, const int64_t* targets, const float* weights,
                         float* logp, double* lse) {
  __shared__ float sm[kBlock];
  __shared__ double ss[kBlock];
  const int64_t i = blockIdx.x;
  if (weights != nullptr && weights[i] == 0.0f) {
    if (threadIdx.x == 0) {
      logp[i] = 0.0f;
      lse[i] = 0.0;
    }
    return;
  }
  const T* x = logits + i * stride;
  // Online log-sum-exp per thread over its strided columns, in one pass.
  float m = -FLT_MAX, acc = 0.0f;
  for (int64_t j = threadIdx.x; j < vocab; j += blockDim.x) {
    const float v = load(x, j);
    if (v > m) {
      acc = acc * __expf(m - v) + 1.0f;
      m = v;
    } else {
      acc += __expf(v - m);
    }
  }
  // Merge the (max, sum) pairs in a fixed tree order.
  sm[threadIdx.x] = m;
  ss[threadIdx.x] = acc;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      const float m1 = sm[threadIdx.x], m2 = sm[threadIdx.x + s];
      const float nm = fmaxf(m1, m2);
      ss[threadIdx.x] =
          ss[threadIdx.x] * exp(static_cast<double>(m1 - nm)) + ss[threadIdx.x + s] * exp(static_cast<double>(m2 - nm));
      sm[threadIdx.x] = nm;
    }
    __syncthreads();
  }
  const float mx = sm[0];
  const double total = ss[0];
  if (threadIdx.x == 0) {
    const double l = static_cast<double>(mx) + log(total);
    lse[i] = l;
    logp[i] = static_cast<float>(static_cast<double>(load(x, targets[i])) - l);
  }
}

template <class T>
__global__ void grad_rows(T* logits, int64_t vocab, int64_t stride, const int64_t* targets, const double* lse,
                          const float* grad) {
  const int64_t i = blockIdx.x;
  const int64_t j = static_cast<int64_t>(blockIdx.y) * blockDim.x + threadIdx.x;
  if (j >= vocab) return;
  T* x = logits + i * stride;
  const float g = grad[i];
  if (g == 0.0f) {
    store(x, j, 0.0f);
    return;
  }
  const float hi = static_cast<float>(lse[i]), lo = static_cast<float>(lse[i] - hi);
  const float p = __expf(fminf((load(x, j) - hi) - lo, 0.0f));
  store(x, j, j == targets[i] ? g * (1.0f - p) : -g * p);
}

}  // namespace

void token_logprobs_forward_cuda(const LogitRows& r, float* logp, double* lse, void* stream) {
  if (r.rows == 0) return;
  auto s = static_cast<cudaStream_t>(stream);
  if (r.elem == Elem::F32)
    lse_rows<<<static_cast<unsigned>(r.rows), kBlock, 0, s>>>(static_cast<const float*>(r.logits), r.vocab, r.stride,
                                                              r.targets, r.weights, logp, lse);
  else
    lse_rows<<<static_cast<unsigned>(r.rows), kBlock, 0, s>>>(static_cast<const uint16_t*>(r.logits), r.vocab, r.stride,
                                                              r.targets, r.weights, logp, lse);
  check_launch("token_logprobs_forward_cuda");
}

void token_logprobs_backward_cuda(void* logits, Elem elem, int64_t rows, int64_t vocab, int64_t stride,
                                  const int64_t* targets, const double* lse, const float* grad, void* stream) {
  if (rows == 0) return;
  auto s = static_cast<cudaStream_t>(stream);
  const dim3 grid(static_cast<unsigned>(rows), static_cast<unsigned>((vocab + kBlock - 1) / kBlock));
  if (elem == Elem::F32)
    grad_rows<<<grid, kBlock, 0, s>>>(static_cast<float*>(logits), vocab, stride, targets, lse, grad);
  else grad_rows<<<grid, kBlock, 0, s>>>(static_cast<uint16_t*>(logits), vocab, stride, targets, lse, grad);
  check_launch("token_logprobs_backward_cuda");
}

}  // namespace cf::kernels
