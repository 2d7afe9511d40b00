// The collectives ZeRO-2 needs, over flat buffers. One interface, two backends: MPI (CPU, tested
// here) and NCCL (GPU buffers, compiled when CUDA is found). Sums only: ZeRO-2 needs no others.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace cf {

enum class DType { F32, F64, BF16, I64 };
size_t dtype_bytes(DType t);

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int world() const = 0;
  virtual const char* backend() const = 0;

  // In place: buf[i] = sum over ranks of buf[i].
  virtual void all_reduce_sum(void* buf, size_t count, DType t) = 0;
  // recv (recv_counts[rank] elements) = sum over ranks of send[displ(rank) ...], where send has
  // sum(recv_counts) elements laid out rank by rank. Unequal counts allowed (bucket edges).
  virtual void reduce_scatter_sum(const void* send, void* recv, const std::vector<size_t>& recv_counts, DType t) = 0;
  // recv (world * count elements) = concatenation of every rank's send (count elements each).
  virtual void all_gather(const void* send, void* recv, size_t count, DType t) = 0;
  virtual void broadcast(void* buf, size_t count, DType t, int root) = 0;
  virtual void barrier() = 0;
};

// MPI backend on MPI_COMM_WORLD. BF16 travels as 16-bit words; sums of BF16 are not offered
// (ZeRO-2 reduces gradients in FP32), so all_reduce/reduce_scatter accept F32, F64 and I64.
std::unique_ptr<Communicator> make_mpi_communicator();

}  // namespace cf
