// The token log-prob row loops (token_logprobs_rows.h) compiled with -mavx2 (see CMakeLists.txt):
// 8-lane exp in one register. No FMA: the results are bitwise those of the baseline build.
#include "token_logprobs_isa.h"

#define CF_ROWS_NS avx2
#define CF_ROWS_WIDTH 8
#include "token_logprobs_rows.h"

namespace cf::kernels::avx2_entry {

template <class T>
double row_lse(const T* x, int64_t vocab) {
  return avx2::row_lse(x, vocab);
}
template <class T>
void row_grad(T* x, int64_t vocab, int64_t target, double lse, float g) {
  avx2::row_grad(x, vocab, target, lse, g);
}

template double row_lse<float>(const float*, int64_t);
template double row_lse<uint16_t>(const uint16_t*, int64_t);
template void row_grad<float>(float*, int64_t, int64_t, double, float);
template void row_grad<uint16_t>(uint16_t*, int64_t, int64_t, double, float);

}  // namespace cf::kernels::avx2_entry
