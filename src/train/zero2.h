// ZeRO stage 2 over a Communicator. Each rank keeps:
//   - the full bf16 parameters (FlatParams::flat, 2 bytes x Psi),
//   - its 1/N shard of fp32 gradients, master weights and Adam moments (16/N bytes x Psi, see
//     memory_plan), plus pooled bucket buffers in flight (none with one rank).
// During backward, gradient hooks copy each parameter's gradient into an fp32 bucket; when a
// bucket is complete it is reduce-scattered (fp32 sums) straight into the owners' gradient
// shards, and the full-size gradients of that bucket are released. step() clips by the global
// norm, runs AdamW on the local shard and all-gathers the updated bf16 parameters.
#pragma once
#include <cstdint>
#include <map>
#include <vector>

#include <torch/torch.h>

#include "comm/communicator.h"
#include "kernels/adamw/adamw_raw.h"
#include "train/flat_params.h"
#include "train/memory_plan.h"

namespace cf {

// Sum of squares in fp64 without an fp64 copy: fixed chunks summed in order, so the result does
// not depend on the thread count. x: contiguous fp32 or fp64.
double sum_of_squares_f64(const torch::Tensor& x);

class Zero2 {
 public:
  // reduce_dtype: F32 (default) or F64. With F64 the sum of bf16 gradients is exact, so the
  // result does not depend on the order of the reduction, i.e. on the world size.
  Zero2(FlatParams& params, Communicator& comm, int64_t bucket_elements, DType reduce_dtype = DType::F32);
  ~Zero2();

  Zero2MemoryPlan memory_plan() const;  // train/memory_plan of this instance's buckets
  void zero_grad();                     // before the first micro-batch of a step
  void finish_backward();               // after each micro-batch's backward: flushes incomplete buckets
  double global_grad_norm();            // L2 norm of the summed gradient (collective)
  void step(const kernels::AdamWHyper& h, float grad_scale);  // AdamW on the shard, then all-gather

  int64_t shard_begin() const { return shard_begin_; }
  int64_t steps() const { return steps_; }
  void set_steps(int64_t s) { steps_ = s; }
  torch::Tensor master, exp_avg, exp_avg_sq;  // fp32 [shard_size], this rank's shard
  torch::Tensor grad;                         // reduce dtype [shard_size]
  int64_t buckets_reduced = 0;                // statistics for tests and logs

 private:
  struct Bucket {
    int64_t lo = 0, hi = 0;  // flat range
    std::vector<size_t> slots;
    size_t ready = 0;
    torch::Tensor buffer;  // reduce dtype [hi - lo], from the pool when the first gradient arrives
  };
  void on_grad(size_t slot, const torch::Tensor& g);
  void reduce(Bucket& b, int64_t index);
  void release(Bucket& b);           // bucket done: buffer back to the pool, full gradients freed
  torch::Tensor acquire(int64_t n);  // a zeroed [n] view of a pooled buffer (no allocation after warm-up)

  // Buffers are reused across buckets, micro-batches and steps: allocating them fresh made the
  // kernel zero new pages every time (docs/benchmarks.md, Trainer). With one rank there are no
  // buckets at all: gradients are added straight into `grad` (the same sums, bitwise).
  std::vector<torch::Tensor> pool_;  // free buffers of max_bucket_ elements
  torch::Tensor recv_;               // reduce-scatter receive buffer, largest share of a bucket
  torch::Tensor shard_out_;          // this rank's updated parameter shard (world > 1)
  int64_t max_bucket_ = 0;

  FlatParams& params_;
  Communicator& comm_;
  std::vector<Bucket> buckets_;
  std::vector<size_t> bucket_of_slot_;
  std::vector<uint8_t> decay_;  // per shard element
  int64_t shard_begin_ = 0, steps_ = 0;
  DType reduce_dtype_;
  torch::ScalarType reduce_type_;
};

}  // namespace cf
