// Timing helper of the C++ benchmarks in tools/bench: wall seconds, this process's CPU seconds
// and the CPU that other processes used meanwhile ("other load", in cores: busy jiffies of the
// cpu line of /proc/stat minus this process's own user+sys, over the wall time).
#pragma once
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>

namespace cf::bench {

inline double machine_busy_seconds() {
  std::ifstream f("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, sys = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
  f >> cpu >> user >> nice >> sys >> idle >> iowait >> irq >> softirq;
  return (user + nice + sys + irq + softirq) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

inline double own_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec); };
  return s(u.ru_utime) + s(u.ru_stime);
}

struct Span {
  double wall = 0, own_cpu = 0, other_load = 0;  // seconds, seconds, cores
};

// Runs fn() once and measures it.
template <class F>
Span measure(F&& fn) {
  const double b0 = machine_busy_seconds(), c0 = own_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double own = own_cpu_seconds() - c0;
  return {wall, own, std::max(0.0, machine_busy_seconds() - b0 - own) / std::max(wall, 1e-9)};
}

}  // namespace cf::bench
