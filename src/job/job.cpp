#include "job/job.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "job/output_guard.h"
#include "core/error.h"
#include "core/log.h"

namespace cf {
namespace {

ConfigSchema make_schema(const JobSpec& spec) {
  ConfigSchema schema;
  schema.add_string("io.input", spec.default_input, "Input directory (previous stage's output)");
  schema.add_string("io.output", spec.default_output, "Output directory of this stage");
  schema.add_string("log.level", "info", "Log level", {"trace", "debug", "info", "warn", "error"});
  schema.add_string("log.metrics", "",
                    "JSONL metrics file; {rank} is replaced by the rank; empty = "
                    "<io.output>/logs/metrics-rank{rank}.jsonl");
  schema.add_int("run.threads", 0, "Threads per rank; 0 = cores of the node / ranks on it", 0, 1024);
  spec.declare(schema);
  return schema;
}

}  // namespace

void declare_device_config(ConfigSchema& c) {
  c.add_string("run.device", "auto",
               "Device of the model: auto = CUDA when LibTorch sees a GPU (one rank per GPU, by node-local rank), "
               "else the CPU; cpu; cuda",
               {"auto", "cpu", "cuda"});
}

namespace {

// Sums the counters of all ranks on rank 0 (extra: numeric fields by name).
StageCounts reduce_counts(const MpiRuntime& mpi, const StageCounts& mine) {
  nlohmann::json j = mine.extra;
  j["items_ok"] = mine.items_ok;
  j["items_failed"] = mine.items_failed;
  j["shards_done"] = mine.shards_done;
  j["shards_skipped"] = mine.shards_skipped;
  auto all = mpi.gather(j.dump());
  StageCounts sum;
  nlohmann::json extra = nlohmann::json::object();
  for (const auto& s : all) {
    auto r = nlohmann::json::parse(s);
    for (auto& [k, v] : r.items()) {
      if (!v.is_number()) continue;
      if (!extra.contains(k)) extra[k] = v;
      else if (v.is_number_integer() && extra[k].is_number_integer())
        extra[k] = extra[k].get<int64_t>() + v.get<int64_t>();
      else extra[k] = extra[k].get<double>() + v.get<double>();
    }
  }
  auto take = [&](const char* k) {
    int64_t v = extra.value(k, int64_t{0});
    extra.erase(k);
    return v;
  };
  sum.items_ok = take("items_ok");
  sum.items_failed = take("items_failed");
  sum.shards_done = take("shards_done");
  sum.shards_skipped = take("shards_skipped");
  sum.extra = extra;
  return sum;
}

std::string metrics_path(const Config& cfg, int rank) {
  std::string p = cfg.get_string("log.metrics");
  if (p.empty()) p = cfg.get_string("io.output") + "/logs/metrics-rank{rank}.jsonl";
  auto pos = p.find("{rank}");
  if (pos != std::string::npos) p.replace(pos, 6, std::to_string(rank));
  return p;
}

}  // namespace

int job_threads(const JobContext& ctx) {
  int64_t t = ctx.config.get_int("run.threads");
  return t > 0 ? static_cast<int>(t) : ctx.mpi.threads_per_rank();
}

int job_main(int argc, char** argv, const JobSpec& spec, const TorchTwin& twin) {
  const ConfigSchema schema = make_schema(spec);
  CLI::App app{"cf-" + spec.stage + ": " + spec.description};
  std::string config_path;
  std::vector<std::string> overrides;
  bool print_config = false;
  app.add_option("--config", config_path, "TOML config (default: built-in, = configs/" + spec.stage + ".toml)");
  app.add_option("--set", overrides, "Override one key: section.key=value (repeatable)")->type_name("KEY=VALUE");
  app.add_flag("--print-config", print_config, "Print the effective config as TOML and exit");
  app.footer(
      "Prints one JSON summary line on stdout. Exit codes: 0 finished (per-item failures "
      "allowed), 1 fatal error, 2 usage or config error.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  exec_torch_twin_if_needed(twin, schema, config_path, overrides, argv);

  MpiRuntime mpi(&argc, &argv);
  Config cfg;
  try {
    cfg = Config::load(schema, config_path, overrides);
    init_logging(mpi.rank(), mpi.world(), cfg.get_string("log.level"));
  } catch (const ConfigError& e) {
    if (mpi.is_root()) std::fprintf(stderr, "cf-%s: config error: %s\n", spec.stage.c_str(), e.what());
    return 2;  // every rank reads the same config, so every rank leaves here
  }
  if (print_config) {
    if (mpi.is_root()) std::cout << cfg.to_toml();
    return 0;
  }

  const auto start = std::chrono::steady_clock::now();
  StageCounts mine;
  // Every rank validates the io paths, and all have done so before rank 0 prepares the output
  // (a rank that checked while rank 0 was writing the marker would refuse the half-made
  // directory). The ranks then agree on the verdict, so none is left alone in a collective.
  std::string error;
  if (!mpi.is_root() && claim_delay_ms() > 0)  // test hook (output_guard.h)
    std::this_thread::sleep_for(std::chrono::milliseconds(claim_delay_ms() / 2));
  try {
    check_output_dir(spec.stage, cfg.get_string("io.input"), cfg.get_string("io.output"));
  } catch (const ConfigError& e) {
    error = e.what();
  }
  mpi.barrier();
  if (error.empty() && mpi.is_root()) {
    try {
      claim_output_dir(spec.stage, cfg);
    } catch (const ConfigError& e) {
      error = e.what();
    }
  }
  const int64_t root_failed = mpi.allreduce_sum(mpi.is_root() && !error.empty() ? 1 : 0);
  if (mpi.allreduce_sum(error.empty() ? 0 : 1) > 0) {  // reported once: by rank 0 if it failed
    if (!error.empty() && (mpi.is_root() || root_failed == 0))
      std::fprintf(stderr, "cf-%s: config error: %s\n", spec.stage.c_str(), error.c_str());
    return 2;
  }
  try {
    MetricsSink metrics(metrics_path(cfg, mpi.rank()));
    JobContext ctx{cfg, mpi, metrics};
    mine = spec.run(ctx);
  } catch (const ConfigError& e) {  // found only when the stage starts (e.g. a bad input path)
    mpi.abort(std::string("cf-") + spec.stage + ": config error: " + e.what(), 2);
  } catch (const std::exception& e) {
    mpi.abort(std::string("cf-") + spec.stage + ": " + e.what(), 1);
  }

  StageCounts sum = reduce_counts(mpi, mine);
  if (mpi.is_root()) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    nlohmann::ordered_json out;
    out["stage"] = spec.stage;
    out["items_ok"] = sum.items_ok;
    out["items_failed"] = sum.items_failed;
    out["shards_done"] = sum.shards_done;
    out["shards_skipped"] = sum.shards_skipped;
    out["seconds"] = std::round(secs * 1000) / 1000;
    for (auto& [k, v] : sum.extra.items()) out[k] = v;
    std::cout << out.dump() << std::endl;
  }
  return mine.exit_code;
}

}  // namespace cf
