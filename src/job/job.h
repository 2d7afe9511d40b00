// The job contract shared by every cf-<stage> executable (nccl-tests style: one harness,
// thin mains). The harness parses `--config FILE --set k=v ... --help`, starts MPI, loads and
// validates the config, guards io.output, runs the stage on every rank, and rank 0 prints the
// final summary JSON line on stdout:
//   {"stage":"ingest","items_ok":N,"items_failed":M,"shards_done":S,"shards_skipped":K,"seconds":T}
// Exit codes: 0 stage finished (per-item failures allowed), 2 usage/config error, 1 fatal error.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/metrics.h"
#include "comm/mpi_runtime.h"
#include "job/torch_twin.h"

namespace cf {

// Counts of this rank; the harness sums them over ranks. `extra` holds further integer or float
// counters (e.g. "exact_duplicates"), summed too and printed after the standard fields.
struct StageCounts {
  int64_t items_ok = 0;
  int64_t items_failed = 0;
  int64_t shards_done = 0;
  int64_t shards_skipped = 0;
  nlohmann::json extra = nlohmann::json::object();
  int exit_code = 0;  // rank 0's value is the process exit code (e.g. 75: stopped, resumable)
};

struct JobContext {
  const Config& config;
  const MpiRuntime& mpi;
  MetricsSink& metrics;  // this rank's JSONL sink (log.metrics)
};

// Threads this rank should use: run.threads, or cores of the node / ranks on it.
int job_threads(const JobContext& ctx);
// run.device (auto | cpu | cuda) of the jobs that run the model; model/device resolves it.
void declare_device_config(ConfigSchema& schema);

struct JobSpec {
  std::string stage;                            // "ingest": executable cf-ingest, default config configs/ingest.toml
  std::string description;                      // one line for --help
  std::string default_input;                    // default of io.input ("" when the stage reads no input)
  std::string default_output;                   // default of io.output
  std::function<void(ConfigSchema&)> declare;   // the stage's own keys
  std::function<StageCounts(JobContext&)> run;  // on every rank; throw cf::Error on fatal errors
};

// Keys every stage has: io.input, io.output, log.level, log.metrics, run.threads.
// twin: stages with LibTorch backends, in their torch-free build (job/torch_twin.h).
int job_main(int argc, char** argv, const JobSpec& spec, const TorchTwin& twin = {});

}  // namespace cf
