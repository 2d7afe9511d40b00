#include "job/shard_map.h"

#include <chrono>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/hash.h"
#include "io/schemas.h"
#include "io/stage_dir.h"
#include "job/assign.h"

namespace cf {
namespace {

// Everything that decides the output: upstream plans and the stage's own settings.
std::string output_hash(const JobContext& ctx, const std::string& stage, const std::vector<StagePlan>& upstream) {
  Sha256 h;
  h.add(stage);
  for (const auto& p : upstream) h.add(p.stage).add(p.plan_hash);
  nlohmann::json settings = ctx.config.to_json();
  for (const char* s : {"io", "log", "run", "debug"}) settings.erase(s);
  h.add(settings.dump());
  return h.hex();
}

bool same_plan(const std::string& dir, const StagePlan& plan) {
  if (!std::filesystem::exists(std::filesystem::path(dir) / "plan.json")) return false;
  try {
    const StagePlan p = read_stage_plan(dir);
    return p.stage == plan.stage && p.shards == plan.shards && p.plan_hash == plan.plan_hash;
  } catch (const std::exception&) {
    return false;
  }
}

// Job-array tasks of one stage write the same plan.json at about the same time: leave an equal
// plan alone, and accept losing the race of the rename to another task writing the same plan.
void publish_plan(const std::string& dir, const StagePlan& plan) {
  if (same_plan(dir, plan)) return;
  try {
    write_stage_plan(dir, plan);
  } catch (const std::exception&) {
    if (!same_plan(dir, plan)) throw;
  }
}

}  // namespace

void declare_shard_map_config(ConfigSchema& schema) {
  schema.add_int("run.array_count", 1, "Parts the output shards are split into (Slurm job array tasks); 1 = all shards",
                 1, 1000000);
  schema.add_int("run.array_index", 0, "Which part this job writes, 0..run.array_count-1 (contiguous shard ranges)", 0,
                 999999);
}

std::pair<int64_t, int64_t> array_shard_range(int64_t shards, int64_t index, int64_t count) {
  return {index * shards / count, (index + 1) * shards / count};
}

std::vector<std::string> for_each_item(size_t n, int threads, const std::function<void(size_t)>& f) {
  std::vector<std::string> reasons(n);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (size_t i = 0; i < n; ++i) {
    try {
      f(i);
    } catch (const std::exception& e) {
      reasons[i] = e.what();
      if (reasons[i].empty()) reasons[i] = "unknown error";
    }
  }
  return reasons;
}

StageCounts run_shard_map(JobContext& ctx, const ShardMapSpec& spec) {
  const auto& mpi = ctx.mpi;
  // A stage that did not declare the array keys (declare_shard_map_config) writes all shards.
  const nlohmann::json run = ctx.config.to_json().value("run", nlohmann::json::object());
  const int64_t parts = run.value("array_count", int64_t{1}), part = run.value("array_index", int64_t{0});
  if (part >= parts)
    throw ConfigError("run.array_index = " + std::to_string(part) +
                      " must be less than run.array_count = " + std::to_string(parts));
  const std::string in = ctx.config.get_string("io.input"), out = ctx.config.get_string("io.output");
  std::vector<StagePlan> plans{read_stage_plan(in)};
  std::vector<std::vector<std::string>> paths{complete_shards(in, plans[0])};
  for (const auto& key : spec.extra_inputs) {
    const std::string dir = ctx.config.get_string(key);
    plans.push_back(read_stage_plan(dir));
    if (plans.back().shards != plans[0].shards)
      throw ConfigError(key + " '" + dir + "' has " + std::to_string(plans.back().shards) +
                        " shards but io.input has " + std::to_string(plans[0].shards) +
                        ": they are not outputs of the same chain");
    paths.push_back(complete_shards(dir, plans.back()));
  }
  const std::string hash = output_hash(ctx, spec.stage, plans);
  if (mpi.is_root()) publish_plan(out, {spec.stage, plans[0].shards, hash});

  const auto [first, last] = array_shard_range(plans[0].shards, part, parts);
  std::vector<int64_t> costs;
  for (int64_t i = first; i < last; ++i) costs.push_back(std::max<int64_t>(1, shard_status(paths[0][i]).items));
  StageCounts counts;
  std::vector<int64_t> todo;
  int64_t todo_items = 0;
  for (int64_t local : assign_by_cost(costs, mpi.rank(), mpi.world())) {
    const int64_t idx = first + local;
    const std::string target = out + "/" + shard_file_name(idx);
    ShardStatus st = shard_status(target);
    if (st.complete && st.meta.value("plan_hash", "") != hash)
      throw Error("'" + target +
                  "' was made from other inputs or settings; use a new io.output, "
                  "or delete the old one to start over");
    if (st.complete) {
      ++counts.shards_skipped;
    } else {
      todo.push_back(idx);
      todo_items += costs[local];
    }
  }
  Progress progress(mpi, spec.stage, mpi.allreduce_sum(todo_items));
  for (int64_t idx : todo) {
    const auto t0 = std::chrono::steady_clock::now();
    ShardInputs inputs;
    inputs.index = idx;
    inputs.input = read_shard(paths[0][idx]);
    for (size_t k = 0; k < spec.extra_inputs.size(); ++k)
      inputs.more[spec.extra_inputs[k]] = read_shard(paths[k + 1][idx]);
    Shard result = spec.process(ctx, inputs, progress);
    result.stage = spec.stage;
    result.meta["plan_hash"] = hash;
    result.meta["shard"] = idx;
    const std::string path = out + "/" + shard_file_name(idx);
    check_stage_shard(result, path);  // the stage's declared columns (io/schemas)
    write_shard(path, result);
    counts.items_ok += static_cast<int64_t>(result.items.rows());
    for (const auto& f : result.failures) counts.items_failed += f.kind == "error";
    ++counts.shards_done;
    ctx.metrics.write({{"stage", spec.stage},
                       {"shard", idx},
                       {"items", result.items.rows()},
                       {"failures", result.failures.size()},
                       {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}});
  }
  progress.finish();
  return counts;
}

}  // namespace cf
