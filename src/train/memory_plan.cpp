#include "train/memory_plan.h"

#include <algorithm>

namespace cf {

Zero2MemoryPlan plan_zero2_memory(int64_t parameters, int64_t world, int64_t param_elem_bytes,
                                  int64_t reduce_elem_bytes, int64_t max_bucket_elements) {
  Zero2MemoryPlan p;
  p.parameters = parameters;
  p.world = world;
  p.padded = (parameters + world - 1) / world * world;
  const int64_t shard = p.padded / world, bucket = std::min(max_bucket_elements, p.padded);
  const bool sharded = world > 1;
  p.param_bytes = param_elem_bytes * (p.padded + (sharded ? shard : 0));
  p.grad_bytes = reduce_elem_bytes * shard;
  // One pooled bucket (more only while several are open at once) and the receive buffer.
  p.bucket_bytes = sharded ? reduce_elem_bytes * (bucket + std::max<int64_t>(1, std::min(bucket, shard))) : 0;
  p.optimizer_bytes = 12 * shard;
  return p;
}

nlohmann::json Zero2MemoryPlan::to_json() const {
  return {{"parameters", parameters},
          {"world", world},
          {"param_bytes", param_bytes},
          {"grad_shard_bytes", grad_bytes},
          {"bucket_bytes", bucket_bytes},
          {"optimizer_bytes", optimizer_bytes},
          {"activation_bytes", activation_bytes},
          {"total_bytes", total_bytes()}};
}

}  // namespace cf
