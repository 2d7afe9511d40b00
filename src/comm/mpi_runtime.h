// MPI runtime: RAII init/finalize, rank and world, node-local ranks, small collectives on
// strings and counters, and abort-with-message for fatal errors.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <mpi.h>

namespace cf {

class MpiRuntime {
 public:
  MpiRuntime(int* argc, char*** argv);  // MPI_Init_thread(FUNNELED) unless already initialized
  ~MpiRuntime();                        // MPI_Finalize if we initialized
  MpiRuntime(const MpiRuntime&) = delete;
  MpiRuntime& operator=(const MpiRuntime&) = delete;

  int rank() const { return rank_; }
  int world() const { return world_; }
  int local_rank() const { return local_rank_; }  // rank among the processes of this node
  int local_size() const { return local_size_; }
  bool is_root() const { return rank_ == 0; }
  MPI_Comm comm() const { return MPI_COMM_WORLD; }
  // Cores of this node divided among its ranks (at least 1).
  int threads_per_rank() const;

  void barrier() const;
  // Logs `message` and aborts every rank with `code`. Use when one rank cannot go on.
  [[noreturn]] void abort(const std::string& message, int code = 1) const;

  std::string broadcast(const std::string& s, int root = 0) const;
  std::vector<std::string> gather(const std::string& s, int root = 0) const;  // empty off root
  std::vector<std::string> allgather(const std::string& s) const;
  int64_t allreduce_sum(int64_t v) const;
  int64_t allreduce_max(int64_t v) const;

 private:
  bool owns_ = false;
  int rank_ = 0, world_ = 1, local_rank_ = 0, local_size_ = 1;
};

}  // namespace cf
