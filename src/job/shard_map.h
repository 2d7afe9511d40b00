// The runner of every shard-to-shard synthesis stage (segment, retrieve, caption, qa).
//
// Output shard i is made from input shard i (and shard i of any further upstream stage the
// stage reads), so the item -> shard map fixed by cf-ingest holds through the whole chain and
// no stage depends on the world size. The runner checks the upstream plans (a missing or
// incomplete upstream shard is an error naming it), deals shards to ranks by item count, skips
// output shards that are complete and made from the same inputs and settings, writes plan.json,
// reports progress, and sums the counts. The stage supplies only `process`.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "comm/progress.h"
#include "io/shard.h"
#include "job/job.h"

namespace cf {

struct ShardInputs {
  int64_t index = 0;
  Shard input;                        // shard `index` of io.input
  std::map<std::string, Shard> more;  // shard `index` of each extra upstream, by config key
};

struct ShardMapSpec {
  std::string stage;
  // Config keys naming further upstream directories read alongside io.input (e.g. "io.images").
  std::vector<std::string> extra_inputs;
  // Makes the output shard (items, failures, tables); stage and meta are filled by the runner.
  // Call progress.add(n) as items finish. Throwing aborts the job: catch per-item errors and
  // record them as failures (see for_each_item).
  std::function<Shard(const JobContext&, const ShardInputs&, Progress&)> process;
};

StageCounts run_shard_map(JobContext& ctx, const ShardMapSpec& spec);

// Declares run.array_index and run.array_count; every stage that uses run_shard_map calls it
// from its declare function.
void declare_shard_map_config(ConfigSchema& schema);

// The output shards [first, second) that part `index` of `count` writes, of `shards` in all.
std::pair<int64_t, int64_t> array_shard_range(int64_t shards, int64_t index, int64_t count);

// Runs f(i) for i in [0, n) on `threads` threads; an exception in f(i) becomes reasons[i]
// (empty string = success). Order of results is the caller's (index i).
std::vector<std::string> for_each_item(size_t n, int threads, const std::function<void(size_t)>& f);

}  // namespace cf
