#include "train/zero2.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "kernels/adamw/adamw.h"
#include "kernels/grad_buckets/grad_buckets.h"

namespace cf {

Zero2::Zero2(FlatParams& params, Communicator& comm, int64_t bucket_elements, DType reduce_dtype)
    : params_(params), comm_(comm), reduce_dtype_(reduce_dtype),
      reduce_type_(reduce_dtype == DType::F64 ? torch::kDouble : torch::kFloat) {
  if (reduce_dtype != DType::F32 && reduce_dtype != DType::F64) throw Error("ZeRO-2 reduces in fp32 or fp64");
  const int64_t shard = params.shard_size();
  shard_begin_ = comm.rank() * shard;
  auto f32 = torch::TensorOptions().dtype(torch::kFloat);
  master = params.flat.slice(0, shard_begin_, shard_begin_ + shard).to(torch::kFloat).clone();
  exp_avg = torch::zeros({shard}, f32);
  exp_avg_sq = torch::zeros({shard}, f32);
  grad = torch::zeros({shard}, torch::TensorOptions().dtype(reduce_type_));
  decay_.assign(static_cast<size_t>(shard), 0);
  // Buckets: consecutive slots up to bucket_elements; the padding tail joins the last bucket.
  bucket_of_slot_.resize(params.slots.size());
  for (size_t i = 0; i < params.slots.size(); ++i) {
    const auto& s = params.slots[i];
    if (buckets_.empty() || (buckets_.back().hi - buckets_.back().lo) + s.numel > bucket_elements) {
      buckets_.push_back({});
      buckets_.back().lo = s.offset;
    }
    buckets_.back().hi = s.offset + s.numel;
    buckets_.back().slots.push_back(i);
    bucket_of_slot_[i] = buckets_.size() - 1;
    for (int64_t e = std::max(s.offset, shard_begin_); e < std::min(s.offset + s.numel, shard_begin_ + shard); ++e)
      decay_[static_cast<size_t>(e - shard_begin_)] = s.decay ? 1 : 0;
    auto param = s.param;
    param.register_hook([this, i](torch::Tensor g) {
      on_grad(i, g);
      return torch::Tensor();  // keep the gradient as is
    });
  }
  buckets_.back().hi = params.padded();
}

Zero2::~Zero2() = default;

MemoryPlan Zero2::memory_plan() const {
  const int64_t psi = params_.numel(), n = comm_.world(), shard = params_.shard_size();
  return {2 * params_.padded(), 4 * shard + 4 * (buckets_.empty() ? 0 : buckets_[0].hi - buckets_[0].lo),
          12 * shard, 2 * psi + 14 * psi / n, 16 * psi};
}

void Zero2::zero_grad() { grad.zero_(); }

void Zero2::on_grad(size_t slot, const torch::Tensor& g) {
  Bucket& b = buckets_[bucket_of_slot_[slot]];
  if (!b.buffer.defined()) b.buffer = torch::zeros({b.hi - b.lo}, reduce_type_);
  const auto& s = params_.slots[slot];
  kernels::bucket_pack_add(b.buffer, s.offset - b.lo, g);  // += in one pass, bf16 -> fp32/fp64 on the fly
  if (++b.ready == b.slots.size()) reduce(b, static_cast<int64_t>(bucket_of_slot_[slot]));
}

void Zero2::reduce(Bucket& b, int64_t index) {
  // Every rank must reduce the same bucket at the same time: sum and sum of squares of the
  // bucket index over ranks equal W*i and W*i^2 only if all ranks agree (Cauchy-Schwarz).
  int64_t ids[2] = {index, index * index};
  comm_.all_reduce_sum(ids, 2, DType::I64);
  if (ids[0] != index * comm_.world() || ids[1] != index * index * comm_.world())
    throw Error("ZeRO-2: ranks disagree on the order of gradient buckets (different graphs per rank?)");
  const int64_t shard = params_.shard_size();
  std::vector<size_t> counts(static_cast<size_t>(comm_.world()));
  int64_t my_lo = 0;
  for (int r = 0; r < comm_.world(); ++r) {
    const int64_t lo = std::max(b.lo, r * shard), hi = std::min(b.hi, (r + 1) * shard);
    counts[static_cast<size_t>(r)] = static_cast<size_t>(std::max<int64_t>(0, hi - lo));
    if (r == comm_.rank()) my_lo = lo;
  }
  const size_t mine = counts[static_cast<size_t>(comm_.rank())];
  auto recv = torch::empty({static_cast<int64_t>(std::max<size_t>(mine, 1))}, reduce_type_);
  comm_.reduce_scatter_sum(b.buffer.data_ptr(), recv.data_ptr(), counts, reduce_dtype_);
  if (mine > 0) {
    auto dst = grad.narrow(0, my_lo - shard_begin_, static_cast<int64_t>(mine));
    kernels::bucket_unpack(recv, 0, dst, /*accumulate=*/true);
  }
  b.buffer = torch::Tensor();
  b.ready = 0;
  for (size_t i : b.slots) params_.slots[i].param.mutable_grad() = torch::Tensor();  // full grads released
  ++buckets_reduced;
}

void Zero2::finish_backward() {
  for (size_t i = 0; i < buckets_.size(); ++i) {
    Bucket& b = buckets_[i];
    if (b.ready == 0 && !b.buffer.defined()) continue;
    if (!b.buffer.defined()) b.buffer = torch::zeros({b.hi - b.lo}, reduce_type_);
    reduce(b, static_cast<int64_t>(i));  // parameters that got no gradient count as zero
  }
  for (auto& s : params_.slots) s.param.mutable_grad() = torch::Tensor();
}

double Zero2::global_grad_norm() {
  double sq = grad.to(torch::kDouble).pow(2).sum().item<double>();
  comm_.all_reduce_sum(&sq, 1, DType::F64);
  return std::sqrt(sq);
}

void Zero2::step(const AdamWParams& h, float grad_scale) {
  ++steps_;
  const torch::Tensor g = grad.to(torch::kFloat).contiguous();
  // Padding stays zero: the tail beyond Psi never receives gradients, but decay could move it.
  const int64_t shard = params_.shard_size();
  torch::Tensor mine;
  if (params_.flat.scalar_type() == torch::kBFloat16) {
    // Fused AdamW (kernels/adamw): updates the fp32 master and writes the bf16 shard in one pass.
    mine = torch::empty({shard}, params_.flat.options());
    auto decay = torch::from_blob(decay_.data(), {shard}, torch::kByte).to(master.device());
    kernels::adamw_step(master, exp_avg, exp_avg_sq, g, decay, {h.lr, h.beta1, h.beta2, h.eps, h.weight_decay}, steps_,
                        grad_scale, mine);
  } else {
    adamw_step(master.data_ptr<float>(), exp_avg.data_ptr<float>(), exp_avg_sq.data_ptr<float>(),
               g.data_ptr<float>(), decay_.data(), static_cast<size_t>(master.numel()), h, steps_, grad_scale);
    mine = master.to(params_.flat.scalar_type());
  }
  auto gathered = torch::empty({params_.padded()}, params_.flat.options());
  const DType t = params_.flat.scalar_type() == torch::kBFloat16 ? DType::BF16 : DType::F32;
  comm_.all_gather(mine.data_ptr(), gathered.data_ptr(), static_cast<size_t>(shard), t);
  torch::NoGradGuard no_grad;
  params_.flat.copy_(gathered);
}

}  // namespace cf
