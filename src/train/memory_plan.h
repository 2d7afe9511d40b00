// The ZeRO-2 memory plan per rank: the buffers src/train/zero2 allocates for a model of Psi
// parameters on N ranks. One function for both users: cf-train logs it at start (Zero2::
// memory_plan, from its actual buckets) and `cf-train --dry-run` prints it before any model is
// built (train/dry_run, with an activation estimate added). Torch-free.
#pragma once
#include <cstdint>

#include <nlohmann/json.hpp>

namespace cf {

struct Zero2MemoryPlan {
  int64_t parameters = 0, padded = 0, world = 1;  // Psi; padded to a multiple of N (FlatParams)
  int64_t param_bytes = 0;                        // the flat parameters (+ the updated shard being all-gathered, N > 1)
  int64_t grad_bytes = 0;                         // the gradient shard (reduce dtype)
  int64_t bucket_bytes = 0;                       // the largest bucket + the reduce-scatter receive buffer (N > 1)
  int64_t optimizer_bytes = 0;                    // fp32 master shard + Adam m, v: 12 bytes per shard element
  int64_t activation_bytes = 0;                   // the dry run's estimate for one micro-batch (0 in the trainer's log)

  int64_t state_bytes() const { return param_bytes + grad_bytes + bucket_bytes + optimizer_bytes; }
  int64_t total_bytes() const { return state_bytes() + activation_bytes; }
  int64_t zero2_formula_bytes() const {
    return 2 * parameters + 14 * parameters / world;
  }                                                           // the ZeRO paper's 2Psi + 14Psi/N
  int64_t plain_dp_bytes() const { return 16 * parameters; }  // plain data parallel
  nlohmann::json to_json() const;
};

// param_elem_bytes: 2 (bf16) or 4 (fp32); reduce_elem_bytes: 4 (fp32) or 8 (fp64 reduction);
// max_bucket_elements: the largest gradient bucket (at most the padded size).
Zero2MemoryPlan plan_zero2_memory(int64_t parameters, int64_t world, int64_t param_elem_bytes,
                                  int64_t reduce_elem_bytes, int64_t max_bucket_elements);

}  // namespace cf
