// cf-selftest: run this first on a new machine or cluster. Without flags it checks every fused
// CPU kernel of kernels/ against a float64 LibTorch reference on fresh random inputs and prints
// a table of errors, documented bounds and timings (fused vs. the naive LibTorch composition).
// With --gpu it prints the CUDA, cuDNN and NCCL versions, then runs every CUDA kernel against its
// CPU twin on the same random inputs and the NCCL communicator's collectives; with no usable
// GPU it says so and exits 2. Exit 1 when any check exceeds its bound. Bounds: docs/kernels.md.
// The checks live in kernels/selftest/ (one harness, a check per op) and src/comm (NCCL).
#include "comm/nccl_selftest.h"
#include "selftest/selftest.h"

int main(int argc, char** argv) { return cf::kernels::selftest::selftest_main(argc, argv, cf::nccl_selftest); }
