#include "comm/mpi_runtime.h"

#include <algorithm>
#include <cstdio>
#include <thread>

#include <spdlog/spdlog.h>

namespace cf {

MpiRuntime::MpiRuntime(int* argc, char*** argv) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    owns_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &world_);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &local_rank_);
  MPI_Comm_size(node, &local_size_);
  MPI_Comm_free(&node);
}

MpiRuntime::~MpiRuntime() {
  if (!owns_) return;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

int MpiRuntime::threads_per_rank() const {
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / std::max(1, local_size_));
}

void MpiRuntime::barrier() const { MPI_Barrier(MPI_COMM_WORLD); }

void MpiRuntime::abort(const std::string& message, int code) const {
  spdlog::critical("fatal: {}", message);
  spdlog::default_logger()->flush();
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // MPI_Abort does not return; this keeps [[noreturn]] honest
}

std::string MpiRuntime::broadcast(const std::string& s, int root) const {
  int64_t n = static_cast<int64_t>(s.size());
  MPI_Bcast(&n, 1, MPI_INT64_T, root, MPI_COMM_WORLD);
  std::string out = rank_ == root ? s : std::string(static_cast<size_t>(n), '\0');
  // MPI counts are int: send in chunks so manifests above 2 GiB still work.
  const int64_t chunk = int64_t{1} << 30;
  for (int64_t off = 0; off < n; off += chunk)
    MPI_Bcast(out.data() + off, static_cast<int>(std::min(chunk, n - off)), MPI_CHAR, root, MPI_COMM_WORLD);
  return out;
}

namespace {
std::vector<std::string> split_gathered(const std::vector<int>& counts, const std::string& all) {
  std::vector<std::string> out;
  size_t off = 0;
  for (int c : counts) {
    out.push_back(all.substr(off, static_cast<size_t>(c)));
    off += static_cast<size_t>(c);
  }
  return out;
}
}  // namespace

std::vector<std::string> MpiRuntime::gather(const std::string& s, int root) const {
  int n = static_cast<int>(s.size());
  std::vector<int> counts(rank_ == root ? world_ : 0), displs(counts.size());
  MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, root, MPI_COMM_WORLD);
  std::string all;
  if (rank_ == root) {
    for (int i = 1; i < world_; ++i) displs[i] = displs[i - 1] + counts[i - 1];
    all.resize(static_cast<size_t>(displs.back() + counts.back()));
  }
  MPI_Gatherv(s.data(), n, MPI_CHAR, all.data(), counts.data(), displs.data(), MPI_CHAR, root, MPI_COMM_WORLD);
  return rank_ == root ? split_gathered(counts, all) : std::vector<std::string>{};
}

std::vector<std::string> MpiRuntime::allgather(const std::string& s) const {
  int n = static_cast<int>(s.size());
  std::vector<int> counts(world_), displs(world_);
  MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
  for (int i = 1; i < world_; ++i) displs[i] = displs[i - 1] + counts[i - 1];
  std::string all(static_cast<size_t>(displs.back() + counts.back()), '\0');
  MPI_Allgatherv(s.data(), n, MPI_CHAR, all.data(), counts.data(), displs.data(), MPI_CHAR, MPI_COMM_WORLD);
  return split_gathered(counts, all);
}

int64_t MpiRuntime::allreduce_sum(int64_t v) const {
  int64_t out = 0;
  MPI_Allreduce(&v, &out, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
  return out;
}

int64_t MpiRuntime::allreduce_max(int64_t v) const {
  int64_t out = 0;
  MPI_Allreduce(&v, &out, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
  return out;
}

}  // namespace cf
