// rope_raw.h's loop, compiled with -O3 -mavx2 (CMakeLists.txt) so GCC vectorizes it. Torch-free.
#include "rope_raw.h"

#include "cpu_math.h"

namespace cf::kernels {

// forward  a' = a c1 - b s1, b' = b c2 + a s2; backward ga = g1 c1 + g2 s2, gb = g2 c2 - g1 s1
// (a, b: first and second half of a head; c1/s1, c2/s2: the tables' halves).
template <class E>
void rope(const E* in, E* out, const float* cos, const float* sin, int64_t bt0, int64_t bt1, int64_t t, int64_t h,
          int64_t hd, bool fwd) {
  const int64_t half = hd / 2;
  for (int64_t bt = bt0; bt < bt1; ++bt) {
    const int64_t bi = bt / t, ti = bt % t;
    const float *c1 = cos + ti * hd, *s1 = sin + ti * hd, *c2 = c1 + half, *s2 = s1 + half;
    for (int64_t hi = 0; hi < h; ++hi) {
      const int64_t btd = (bt * h + hi) * hd, bhd = ((bi * h + hi) * t + ti) * hd;
      const E* x = in + (fwd ? btd : bhd);
      E* y = out + (fwd ? bhd : btd);
      if (fwd) {
        for (int64_t i = 0; i < half; ++i) {
          const float a = ld(x + i), b = ld(x + half + i);
          st(y + i, a * c1[i] - b * s1[i]);
          st(y + half + i, b * c2[i] + a * s2[i]);
        }
      } else {
        for (int64_t i = 0; i < half; ++i) {
          const float a = ld(x + i), b = ld(x + half + i);
          st(y + i, a * c1[i] + b * s2[i]);
          st(y + half + i, b * c2[i] - a * s1[i]);
        }
      }
    }
  }
}

template void rope<float>(const float*, float*, const float*, const float*, int64_t, int64_t, int64_t, int64_t, int64_t,
                          bool);
template void rope<uint16_t>(const uint16_t*, uint16_t*, const float*, const float*, int64_t, int64_t, int64_t, int64_t,
                             int64_t, bool);

}  // namespace cf::kernels
