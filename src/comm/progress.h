// Progress of a stage across all ranks. Every rank calls add(); rank 0 collects the other
// ranks' counts (small point-to-point messages, polled, never blocking the work) and shows
// items done, rate and ETA: a redrawn bar when stderr is a TTY, a log line per interval otherwise.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "comm/mpi_runtime.h"

namespace cf {

class Progress {
 public:
  // Collective. `total` is the global number of items expected (0 if unknown).
  Progress(const MpiRuntime& mpi, std::string label, int64_t total, double interval_s = 5.0);
  ~Progress();
  void add(int64_t n = 1);
  // Collective: collects final counts, prints the last line, returns the global total done.
  int64_t finish();

 private:
  void send_update(bool final);
  void poll();
  void render(bool final);

  const MpiRuntime& mpi_;
  std::string label_;
  int64_t total_;
  double interval_;
  bool tty_;
  bool finished_ = false;
  int64_t mine_ = 0;
  std::vector<int64_t> counts_;  // rank 0: last count heard from each rank
  int finals_ = 0;               // rank 0: ranks whose final update arrived
  int64_t msg_[2] = {0, 0};      // count, final flag (buffer of the pending send)
  MPI_Request pending_ = MPI_REQUEST_NULL;
  std::chrono::steady_clock::time_point start_, last_sent_, last_shown_;
};

}  // namespace cf
