// cf-train --dry-run: the ZeRO-2 memory plan per GPU for a model (preset TOML, our checkpoint
// directory with model.toml, or an HF checkpoint directory) and a world size, without building
// the model: parameters, gradient shard + one bucket, optimizer shards (train/memory_plan, the same
// function cf-train logs at start through Zero2::memory_plan) and an activation estimate for one
// micro-batch.
// Torch-free.
//   cf-train --dry-run [--world N] [--seq-len T] [--images K] [--config F] [--set k=v ...]
// The model is model.init when it is a checkpoint directory, else model.preset.
#pragma once
#include <cstdint>

#include "job/job.h"
#include "model/config.h"
#include "train/memory_plan.h"

namespace cf {

struct TrainShape {
  int64_t world = 1, micro_batch = 1, seq_len = 1024, images = 1, bucket_elements = 5000000;
  bool bf16 = true, fp64_reduce = false;
};

// plan_zero2_memory for the model's parameter count, plus the activation estimate.
Zero2MemoryPlan plan_train_memory(const ModelConfig& m, const TrainShape& s);

// The model shape from an HF checkpoint dir, a dir with model.toml, or a preset TOML.
ModelConfig model_config_from_path(const std::string& path);

// Removes --dry-run, --world N, --seq-len T, --images K from argv; true if --dry-run was given.
// A bad value exits with code 2 (usage error).
bool take_dry_run_flags(int& argc, char** argv);
// The JobSpec::run of a dry run (prints the plan on rank 0; the summary carries it too).
StageCounts run_train_dry_run(JobContext& ctx);

}  // namespace cf
