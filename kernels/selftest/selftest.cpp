// cf-selftest's harness: flags, versions, the checks of every op (checks_cpu.cpp, checks_gpu.cpp,
// plus the caller's extra GPU checks) and one table of errors, bounds and timings.
#include "selftest.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "cuda_mem.h"  // library_versions
#include "device.h"
#include "token_logprobs/token_logprobs_raw.h"  // token_logprobs_cpu_isa

namespace cf::kernels::selftest {

int selftest_main(int argc, char** argv, const ExtraCheck& extra_gpu) {
  CLI::App app{"cf-selftest: fused kernels against their references (CPU) or CUDA against CPU (--gpu)"};
  bool gpu = false;
  uint64_t seed = 0;
  app.add_flag("--gpu", gpu, "run every CUDA kernel against its CPU twin (needs a GPU)");
  app.add_option("--seed", seed, "random seed (default 0: from the clock)");
  CLI11_PARSE(app, argc, argv);
  std::vector<Row> rows;
  torch::manual_seed(seed ? seed : static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  try {
    if (gpu) {
      const auto info = cuda_info();
      std::printf("%s\n%s\n", describe(info).c_str(), library_versions().c_str());
      if (!info.built || info.device_count == 0) {
        std::fprintf(
            stderr,
            "cf-selftest --gpu: no usable CUDA device (%s); run cf-selftest without --gpu for the CPU kernels\n",
            info.error.c_str());
        return 2;
      }
      gpu_checks(rows);
      if (extra_gpu) extra_gpu(&argc, &argv, rows);
    } else {
      std::printf("LibTorch %d.%d.%d, %d threads, token_logprobs CPU path: %s\n", TORCH_VERSION_MAJOR,
                  TORCH_VERSION_MINOR, TORCH_VERSION_PATCH, torch::get_num_threads(), token_logprobs_cpu_isa());
      cpu_checks(rows);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cf-selftest: %s\n", e.what());
    return 1;
  }
  int failed = 0;
  std::printf("%-16s %-28s %11s %9s %10s %10s  %s\n", "op", "check", "error", "bound", "ms",
              gpu ? "cpu ms" : "naive ms", "");
  for (const auto& r : rows) {
    const bool ok = r.err <= r.bound;
    failed += ok ? 0 : 1;
    std::printf("%-16s %-28s %11.3e %9.1e %10s %10s  %s\n", r.op.c_str(), r.check.c_str(), r.err, r.bound,
                r.ms < 0 ? "-" : std::to_string(r.ms).substr(0, 7).c_str(),
                r.ms_ref < 0 ? "-" : std::to_string(r.ms_ref).substr(0, 7).c_str(), ok ? "ok" : "FAIL");
  }
  std::printf("%s: %d of %zu checks failed\n", failed ? "FAILED" : "OK", failed, rows.size());
  return failed ? 1 : 0;
}

}  // namespace cf::kernels::selftest
