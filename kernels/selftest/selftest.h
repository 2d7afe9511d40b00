// cf-selftest's harness (one table for every op, as nccl-tests has one harness for its per-op
// executables): each check appends rows; the harness prints the table and fails when an error
// exceeds its bound. Torch-free header: src/comm's NCCL check adds rows without LibTorch.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace cf::kernels::selftest {

struct Row {
  std::string op, check;
  double err = 0, bound = 0, ms = -1, ms_ref = -1;  // ms / ms_ref < 0: not timed / no baseline
};

// Every fused CPU kernel against a float64 LibTorch reference on fresh random inputs, timed
// against the naive LibTorch composition (checks_cpu.cpp).
void cpu_checks(std::vector<Row>& rows);
// Every CUDA kernel against its CPU twin on the same inputs (checks_gpu.cpp; needs a GPU).
void gpu_checks(std::vector<Row>& rows);

// Extra GPU checks from layers above kernels/ (e.g. the NCCL communicator, src/comm), run after
// gpu_checks when --gpu finds a device; they get main's argc/argv (MPI start-up).
using ExtraCheck = std::function<void(int* argc, char*** argv, std::vector<Row>& rows)>;

// The whole cf-selftest: flags (--gpu, --seed), versions, the checks, the table. Returns the exit
// code: 0 all within bounds, 1 a check failed or threw, 2 --gpu without a usable CUDA device.
int selftest_main(int argc, char** argv, const ExtraCheck& extra_gpu = {});

}  // namespace cf::kernels::selftest
