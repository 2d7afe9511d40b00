// Pointer-level entry points of the token log-prob op (CPU twin and CUDA), torch-free so the
// .cu file and cf-selftest share them. Rows are [rows, vocab] with a row stride in elements.
//   forward:  lse_i = log sum_j exp(x_ij) (online over fixed vocabulary chunks),
//             logp_i = x_i,t_i - lse_i; rows whose weight is 0 are skipped (logp = lse = 0).
//   backward: x_i <- g_i * (onehot(t_i) - exp(x_i - lse_i)), written over the logits in place;
//             rows with g_i == 0 are zero-filled without reading them.
// Each row is computed by one thread (CPU) or one block (CUDA) in a fixed order, so results do
// not depend on the number of threads.
#pragma once
#include <cstdint>

#include "dtype.h"

namespace cf::kernels {

constexpr int64_t kVocabChunk = 2048;  // CPU chunk of the online log-sum-exp

struct LogitRows {
  const void* logits;
  Elem elem;
  int64_t rows, vocab, stride;
  const int64_t* targets;  // [rows], each in [0, vocab) for rows with non-zero weight
  const float* weights;    // [rows] or null (every row active)
};

void token_logprobs_forward_cpu(const LogitRows& r, float* logp, double* lse);
void token_logprobs_backward_cpu(void* logits, Elem elem, int64_t rows, int64_t vocab, int64_t stride,
                                 const int64_t* targets, const double* lse, const float* grad);

// Instruction set of the CPU row loops: AVX2 when the CPU has it (checked at run time), else the
// baseline x86-64 ISA. Both give bitwise the same results; the override is for tests/benchmarks.
enum class CpuIsa { Auto, Baseline, Avx2 };
void token_logprobs_set_cpu_isa(CpuIsa isa);
const char* token_logprobs_cpu_isa();  // the path in use: "avx2" or "baseline"

// CUDA twins: device pointers, enqueued on `stream` (a cudaStream_t; null = default stream).
void token_logprobs_forward_cuda(const LogitRows& r, float* logp, double* lse, void* stream);
void token_logprobs_backward_cuda(void* logits, Elem elem, int64_t rows, int64_t vocab, int64_t stride,
                                  const int64_t* targets, const double* lse, const float* grad, void* stream);

}  // namespace cf::kernels
