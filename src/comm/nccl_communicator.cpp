// NCCL communicator (see nccl_communicator.h). Compiled in every build; without CUDA the
// factory throws a message saying so.
#include "comm/nccl_communicator.h"

#include <mpi.h>

#include <stdexcept>
#include <string>

#ifdef CF_HAVE_NCCL
#include <cuda_runtime.h>
#include <nccl.h>
#endif

namespace cf {

#ifndef CF_HAVE_NCCL

bool nccl_built() { return false; }
std::unique_ptr<Communicator> make_nccl_communicator(void*) {
  throw std::runtime_error("NCCL communicator: this build has no CUDA/NCCL (configure with a CUDA toolkit and NCCL)");
}

#else

namespace {

void cuda_check(cudaError_t e, const char* what) {
  if (e != cudaSuccess)
    throw std::runtime_error(std::string("NCCL communicator: ") + what + ": " + cudaGetErrorString(e));
}
void nccl_check(ncclResult_t r, const char* what) {
  if (r != ncclSuccess)
    throw std::runtime_error(std::string("NCCL communicator: ") + what + ": " + ncclGetErrorString(r));
}

ncclDataType_t nccl_type(DType t) {
  switch (t) {
    case DType::F32: return ncclFloat32;
    case DType::F64: return ncclFloat64;
    case DType::BF16: return ncclBfloat16;
    case DType::I64: return ncclInt64;
  }
  throw std::runtime_error("NCCL communicator: unknown dtype");
}

bool on_device(const void* p) {
  cudaPointerAttributes a{};
  if (cudaPointerGetAttributes(&a, p) != cudaSuccess) {
    cudaGetLastError();  // clear: plain host pointers report an error on old runtimes
    return false;
  }
  return a.type == cudaMemoryTypeDevice || a.type == cudaMemoryTypeManaged;
}

class NcclCommunicator : public Communicator {
 public:
  explicit NcclCommunicator(cudaStream_t compute) : compute_(compute), mpi_(make_mpi_communicator()) {
    rank_ = mpi_->rank();
    world_ = mpi_->world();
    MPI_Comm local;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &local);
    int local_rank = 0, devices = 0;
    MPI_Comm_rank(local, &local_rank);
    MPI_Comm_free(&local);
    cuda_check(cudaGetDeviceCount(&devices), "cudaGetDeviceCount");
    if (devices == 0)
      throw std::runtime_error("NCCL communicator: no CUDA device visible on rank " + std::to_string(rank_));
    cuda_check(cudaSetDevice(local_rank % devices), "cudaSetDevice");
    ncclUniqueId id;
    if (rank_ == 0) nccl_check(ncclGetUniqueId(&id), "ncclGetUniqueId");
    MPI_Bcast(&id, sizeof(id), MPI_BYTE, 0, MPI_COMM_WORLD);
    nccl_check(ncclCommInitRank(&comm_, world_, id, rank_), "ncclCommInitRank");
    cuda_check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
    cuda_check(cudaEventCreateWithFlags(&ready_, cudaEventDisableTiming), "cudaEventCreate");
    cuda_check(cudaEventCreateWithFlags(&done_, cudaEventDisableTiming), "cudaEventCreate");
  }
  ~NcclCommunicator() override {
    cudaStreamSynchronize(stream_);
    ncclCommDestroy(comm_);
    cudaEventDestroy(ready_);
    cudaEventDestroy(done_);
    cudaStreamDestroy(stream_);
  }

  int rank() const override { return rank_; }
  int world() const override { return world_; }
  const char* backend() const override { return "nccl"; }

  void all_reduce_sum(void* buf, size_t count, DType t) override {
    if (!on_device(buf)) return mpi_->all_reduce_sum(buf, count, t);
    fence_in();
    nccl_check(ncclAllReduce(buf, buf, count, nccl_type(t), ncclSum, comm_, stream_), "ncclAllReduce");
    fence_out();
  }

  void reduce_scatter_sum(const void* send, void* recv, const std::vector<size_t>& counts, DType t) override {
    if (!on_device(send)) return mpi_->reduce_scatter_sum(send, recv, counts, t);
    if (counts.size() != static_cast<size_t>(world_))
      throw std::runtime_error("NCCL communicator: reduce_scatter needs one count per rank");
    bool equal = true;
    for (size_t c : counts) equal = equal && c == counts[0];
    fence_in();
    if (equal) {
      nccl_check(ncclReduceScatter(send, recv, counts[0], nccl_type(t), ncclSum, comm_, stream_), "ncclReduceScatter");
    } else {  // unequal bucket edges: one reduce per owner, grouped into a single launch
      const char* base = static_cast<const char*>(send);
      size_t displ = 0;
      nccl_check(ncclGroupStart(), "ncclGroupStart");
      for (int r = 0; r < world_; ++r) {
        const size_t c = counts[static_cast<size_t>(r)];
        if (c > 0)
          nccl_check(ncclReduce(base + displ * dtype_bytes(t), r == rank_ ? recv : nullptr, c, nccl_type(t), ncclSum, r,
                                comm_, stream_),
                     "ncclReduce");
        displ += c;
      }
      nccl_check(ncclGroupEnd(), "ncclGroupEnd");
    }
    fence_out();
  }

  void all_gather(const void* send, void* recv, size_t count, DType t) override {
    if (!on_device(send)) return mpi_->all_gather(send, recv, count, t);
    fence_in();
    nccl_check(ncclAllGather(send, recv, count, nccl_type(t), comm_, stream_), "ncclAllGather");
    fence_out();
  }

  void broadcast(void* buf, size_t count, DType t, int root) override {
    if (!on_device(buf)) return mpi_->broadcast(buf, count, t, root);
    fence_in();
    nccl_check(ncclBroadcast(buf, buf, count, nccl_type(t), root, comm_, stream_), "ncclBroadcast");
    fence_out();
  }

  void barrier() override {
    cuda_check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
    mpi_->barrier();
  }

 private:
  void fence_in() {  // the collective waits for what the compute stream has queued
    cuda_check(cudaEventRecord(ready_, compute_), "cudaEventRecord");
    cuda_check(cudaStreamWaitEvent(stream_, ready_, 0), "cudaStreamWaitEvent");
  }
  void fence_out() {  // later compute work waits for the collective
    cuda_check(cudaEventRecord(done_, stream_), "cudaEventRecord");
    cuda_check(cudaStreamWaitEvent(compute_, done_, 0), "cudaStreamWaitEvent");
  }

  cudaStream_t compute_, stream_ = nullptr;
  cudaEvent_t ready_ = nullptr, done_ = nullptr;
  ncclComm_t comm_ = nullptr;
  std::unique_ptr<Communicator> mpi_;
  int rank_ = 0, world_ = 1;
};

}  // namespace

bool nccl_built() { return true; }
std::unique_ptr<Communicator> make_nccl_communicator(void* compute_stream) {
  return std::make_unique<NcclCommunicator>(static_cast<cudaStream_t>(compute_stream));
}

#endif

}  // namespace cf
