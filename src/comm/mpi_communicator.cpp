#include <mpi.h>

#include <limits>
#include <numeric>
#include <stdexcept>

#include "core/error.h"
#include "comm/communicator.h"

namespace cf {

size_t dtype_bytes(DType t) {
  switch (t) {
    case DType::F32: return 4;
    case DType::F64: return 8;
    case DType::BF16: return 2;
    case DType::I64: return 8;
  }
  return 0;
}

namespace {

MPI_Datatype mpi_type(DType t, bool for_sum) {
  switch (t) {
    case DType::F32: return MPI_FLOAT;
    case DType::F64: return MPI_DOUBLE;
    case DType::I64: return MPI_INT64_T;
    case DType::BF16:
      if (for_sum) throw Error("MPI communicator: BF16 sums are not supported; reduce in F32");
      return MPI_UINT16_T;
  }
  return MPI_BYTE;
}

int checked_count(size_t n) {
  if (n > static_cast<size_t>(std::numeric_limits<int>::max()))
    throw Error("MPI communicator: buffer of " + std::to_string(n) + " elements exceeds MPI's int count");
  return static_cast<int>(n);
}

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &world_);
  }
  int rank() const override { return rank_; }
  int world() const override { return world_; }
  const char* backend() const override { return "mpi"; }

  void all_reduce_sum(void* buf, size_t count, DType t) override {
    MPI_Allreduce(MPI_IN_PLACE, buf, checked_count(count), mpi_type(t, true), MPI_SUM, MPI_COMM_WORLD);
  }
  void reduce_scatter_sum(const void* send, void* recv, const std::vector<size_t>& recv_counts, DType t) override {
    std::vector<int> counts;
    for (size_t c : recv_counts) counts.push_back(checked_count(c));
    MPI_Reduce_scatter(send, recv, counts.data(), mpi_type(t, true), MPI_SUM, MPI_COMM_WORLD);
  }
  void all_gather(const void* send, void* recv, size_t count, DType t) override {
    MPI_Allgather(send, checked_count(count), mpi_type(t, false), recv, checked_count(count), mpi_type(t, false),
                  MPI_COMM_WORLD);
  }
  void broadcast(void* buf, size_t count, DType t, int root) override {
    MPI_Bcast(buf, checked_count(count), mpi_type(t, false), root, MPI_COMM_WORLD);
  }
  void barrier() override { MPI_Barrier(MPI_COMM_WORLD); }

 private:
  int rank_ = 0, world_ = 1;
};

}  // namespace

std::unique_ptr<Communicator> make_mpi_communicator() { return std::make_unique<MpiCommunicator>(); }

}  // namespace cf
