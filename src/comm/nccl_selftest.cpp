#include "comm/nccl_selftest.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "comm/mpi_runtime.h"
#include "comm/nccl_communicator.h"
#include "cuda_mem.h"

namespace cf {
namespace {

// Largest |v - want| over a host copy of n floats of a device buffer.
double max_err(const kernels::DeviceBuffer& b, size_t n, double want) {
  std::vector<float> host(n);
  kernels::cuda_to_host(host.data(), b.get(), n * sizeof(float));
  double err = 0;
  for (float v : host) err = std::max(err, std::fabs(v - want));
  return err;
}

}  // namespace

void nccl_selftest(int* argc, char*** argv, std::vector<kernels::selftest::Row>& rows) {
  if (!nccl_built()) return;
  MpiRuntime mpi(argc, argv);
  auto comm = make_nccl_communicator();
  const int w = comm->world();
  const std::vector<float> ones(1000, 1.0f);
  kernels::DeviceBuffer d(ones.size() * sizeof(float));
  kernels::cuda_to_device(d.get(), ones.data(), d.bytes());
  comm->all_reduce_sum(d.get(), ones.size(), DType::F32);
  comm->barrier();
  rows.push_back({"nccl", "all_reduce x" + std::to_string(w), max_err(d, ones.size(), w), 0, -1, -1});

  std::vector<size_t> counts(static_cast<size_t>(w), 3);
  counts[0] = 5;  // unequal bucket edges
  size_t total = 0;
  for (size_t c : counts) total += c;
  const std::vector<float> send_host(total, 1.0f), zeros(8, 0.0f);
  kernels::DeviceBuffer send(total * sizeof(float)), recv(zeros.size() * sizeof(float));
  kernels::cuda_to_device(send.get(), send_host.data(), send.bytes());
  kernels::cuda_to_device(recv.get(), zeros.data(), recv.bytes());
  comm->reduce_scatter_sum(send.get(), recv.get(), counts, DType::F32);
  comm->barrier();
  rows.push_back(
      {"nccl", "reduce_scatter (unequal)", max_err(recv, counts[static_cast<size_t>(comm->rank())], w), 0, -1, -1});
}

}  // namespace cf
