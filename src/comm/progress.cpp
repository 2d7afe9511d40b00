#include "comm/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <spdlog/spdlog.h>

namespace cf {
namespace {
constexpr int kTag = 7301;  // reserved for progress messages
using Clock = std::chrono::steady_clock;
double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
}  // namespace

Progress::Progress(const MpiRuntime& mpi, std::string label, int64_t total, double interval_s)
    : mpi_(mpi),
      label_(std::move(label)),
      total_(total),
      interval_(interval_s),
      tty_(isatty(STDERR_FILENO) != 0),
      counts_(mpi.is_root() ? mpi.world() : 0, 0) {
  mpi_.barrier();
  start_ = last_sent_ = last_shown_ = Clock::now();
}

Progress::~Progress() {
  if (pending_ != MPI_REQUEST_NULL) MPI_Request_free(&pending_);
}

void Progress::add(int64_t n) {
  mine_ += n;
  auto now = Clock::now();
  if (mpi_.is_root()) {
    counts_[0] = mine_;
    poll();
    if (seconds(now - last_shown_) >= (tty_ ? 0.5 : interval_)) render(false);
  } else if (seconds(now - last_sent_) >= 0.5) {
    send_update(false);
  }
}

void Progress::send_update(bool final) {
  int done = 1;
  if (pending_ != MPI_REQUEST_NULL) MPI_Test(&pending_, &done, MPI_STATUS_IGNORE);
  if (!done && !final) return;  // previous update still in flight: skip this one
  if (!done) MPI_Wait(&pending_, MPI_STATUS_IGNORE);
  msg_[0] = mine_;
  msg_[1] = final ? 1 : 0;
  last_sent_ = Clock::now();
  if (final) {
    MPI_Send(msg_, 2, MPI_INT64_T, 0, kTag, mpi_.comm());
  } else {
    MPI_Isend(msg_, 2, MPI_INT64_T, 0, kTag, mpi_.comm(), &pending_);
  }
}

void Progress::poll() {
  int flag = 1;
  while (true) {
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, kTag, mpi_.comm(), &flag, &st);
    if (!flag) break;
    int64_t m[2];
    MPI_Recv(m, 2, MPI_INT64_T, st.MPI_SOURCE, kTag, mpi_.comm(), MPI_STATUS_IGNORE);
    counts_[st.MPI_SOURCE] = std::max(counts_[st.MPI_SOURCE], m[0]);
    finals_ += m[1] == 1;  // a rank that finished early sends its final update here
  }
}

void Progress::render(bool final) {
  last_shown_ = Clock::now();
  int64_t done = 0;
  for (auto c : counts_) done += c;
  double el = seconds(last_shown_ - start_), rate = el > 0 ? done / el : 0;
  char eta[32] = "--";
  if (total_ > 0 && rate > 0 && done < total_) std::snprintf(eta, sizeof eta, "%.0fs", (total_ - done) / rate);
  if (tty_) {
    int width = 30, fill = total_ > 0 ? static_cast<int>(width * std::min<int64_t>(done, total_) / total_) : 0;
    std::fprintf(stderr, "\r%s [%s%s] %lld/%lld %.1f/s ETA %s%s", label_.c_str(), std::string(fill, '#').c_str(),
                 std::string(width - fill, '.').c_str(), static_cast<long long>(done), static_cast<long long>(total_),
                 rate, eta, final ? "\n" : "");
    std::fflush(stderr);
  } else {
    spdlog::info("{}: {}/{} items, {:.1f}/s, ETA {}", label_, done, total_, rate, eta);
  }
}

int64_t Progress::finish() {
  if (finished_) return 0;
  finished_ = true;
  if (mpi_.is_root()) {
    counts_[0] = mine_;
    // Receive updates until every other rank's final message arrived.
    while (finals_ < mpi_.world() - 1) {
      MPI_Status st;
      int64_t m[2];
      MPI_Recv(m, 2, MPI_INT64_T, MPI_ANY_SOURCE, kTag, mpi_.comm(), &st);
      counts_[st.MPI_SOURCE] = std::max(counts_[st.MPI_SOURCE], m[0]);
      finals_ += m[1] == 1;
    }
    render(true);
  } else {
    send_update(true);
  }
  int64_t total = mpi_.allreduce_sum(mine_);
  return total;
}

}  // namespace cf
