// NCCL backend of the Communicator (ZeRO-2 on GPUs): device buffers, one GPU per rank (local
// rank modulo the visible devices), the ncclUniqueId broadcast over MPI. Collectives run on
// the communicator's own CUDA stream, fenced by events against the compute stream: each call
// waits for work already queued on the compute stream and makes later compute work wait for
// the collective, without blocking the host. Host buffers (small counters, the bucket-order
// check) go through the MPI backend instead, so Zero2 can use it unchanged.
#pragma once
#include <memory>

#include "comm/communicator.h"

namespace cf {

bool nccl_built();  // compiled with CUDA and NCCL
// compute_stream: a cudaStream_t (null = the legacy default stream). Throws when not built or
// when no GPU is visible. Call after MPI is initialised (MpiRuntime).
std::unique_ptr<Communicator> make_nccl_communicator(void* compute_stream = nullptr);

}  // namespace cf
