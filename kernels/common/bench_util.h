// Shared by kernels/*/bench_*.cpp: best-of-N wall time and peak LibTorch CPU allocation of a
// callable, printed as one markdown table row (op | case | variant | ms | peak MiB).
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "memory_probe.h"

namespace cf::kernels::bench {

struct Measure {
  double ms = 0, peak_mib = 0;
};

// With an untimed, unmeasured setup before each run (e.g. a fresh copy of inputs that the op
// overwrites in place). The first run is a warm-up (allocator, page faults, thread pool).
inline Measure measure(const std::function<void()>& setup, const std::function<void()>& f, int reps) {
  Measure m{1e30, 0};
  setup();
  f();
  for (int r = 0; r < reps; ++r) {
    setup();
    MemoryProbe probe;
    const auto t0 = std::chrono::steady_clock::now();
    f();
    m.ms = std::min(m.ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    m.peak_mib = std::max(m.peak_mib, probe.peak_bytes() / 1048576.0);
  }
  return m;
}

inline Measure measure(const std::function<void()>& f, int reps = 5) {
  return measure([] {}, f, reps);
}

inline void header() { std::printf("| op | case | variant | ms (best) | peak MiB |\n|---|---|---|---:|---:|\n"); }
inline void row(const std::string& op, const std::string& c, const std::string& variant, const Measure& m) {
  std::printf("| %s | %s | %s | %.2f | %.1f |\n", op.c_str(), c.c_str(), variant.c_str(), m.ms, m.peak_mib);
  std::fflush(stdout);
}

}  // namespace cf::kernels::bench
