// cf-selftest --gpu's check of the NCCL communicator: all_reduce and an unequal reduce_scatter
// on device buffers, one table row each (kernels/selftest's harness runs it after the kernels).
#pragma once
#include <vector>

#include "selftest/selftest.h"

namespace cf {

// Starts MPI (argc/argv), makes the NCCL communicator and appends its rows. No-op when NCCL is
// not built.
void nccl_selftest(int* argc, char*** argv, std::vector<kernels::selftest::Row>& rows);

}  // namespace cf
