#include "train/zero2.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "kernels/adamw/adamw.h"
#include "kernels/grad_buckets/grad_buckets.h"

namespace cf {

Zero2::Zero2(FlatParams& params, Communicator& comm, int64_t bucket_elements, DType reduce_dtype)
    : params_(params),
      comm_(comm),
      reduce_dtype_(reduce_dtype),
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
  for (const auto& b : buckets_) max_bucket_ = std::max(max_bucket_, b.hi - b.lo);
  if (comm.world() > 1) {
    recv_ = torch::empty({std::max<int64_t>(1, std::min(max_bucket_, shard))}, reduce_type_);
    shard_out_ = torch::empty({shard}, params.flat.options());
  }
}

Zero2::~Zero2() = default;

double sum_of_squares_f64(const torch::Tensor& x) {
  TORCH_CHECK(x.is_contiguous() && (x.scalar_type() == torch::kFloat || x.scalar_type() == torch::kDouble),
              "sum_of_squares_f64: contiguous fp32 or fp64 expected");
  constexpr int64_t kChunk = int64_t{1} << 16;
  const int64_t n = x.numel(), chunks = (n + kChunk - 1) / kChunk;
  std::vector<double> part(static_cast<size_t>(chunks), 0.0);
  auto run = [&](const auto* p) {
    at::parallel_for(0, chunks, 1, [&](int64_t c0, int64_t c1) {
      for (int64_t c = c0; c < c1; ++c) {
        double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        const int64_t lo = c * kChunk, hi = std::min(n, lo + kChunk);
        int64_t i = lo;
        for (; i + 8 <= hi; i += 8)
          for (int k = 0; k < 8; ++k) {
            const double v = static_cast<double>(p[i + k]);
            acc[k] += v * v;
          }
        for (; i < hi; ++i) acc[0] += static_cast<double>(p[i]) * static_cast<double>(p[i]);
        part[static_cast<size_t>(c)] =
            ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
      }
    });
  };
  if (x.scalar_type() == torch::kFloat) run(x.data_ptr<float>());
  else run(x.data_ptr<double>());
  double sum = 0;
  for (double v : part) sum += v;  // chunk order: the same for any thread count
  return sum;
}

Zero2MemoryPlan Zero2::memory_plan() const {
  return plan_zero2_memory(params_.numel(), comm_.world(), params_.flat.element_size(),
                           reduce_type_ == torch::kDouble ? 8 : 4, max_bucket_);
}

void Zero2::zero_grad() { grad.zero_(); }

torch::Tensor Zero2::acquire(int64_t n) {
  torch::Tensor buf;
  if (pool_.empty()) {
    buf = torch::empty({max_bucket_}, reduce_type_);
  } else {
    buf = pool_.back();
    pool_.pop_back();
  }
  buf.narrow(0, 0, n).zero_();
  return buf;  // full pooled buffer; the bucket uses its first n elements
}

void Zero2::on_grad(size_t slot, const torch::Tensor& g) {
  const size_t index = bucket_of_slot_[slot];
  Bucket& b = buckets_[index];
  const auto& s = params_.slots[slot];
  if (comm_.world() == 1) {  // the shard is the whole buffer: add in place, nothing to reduce
    kernels::bucket_pack_add(grad, s.offset, g);
    if (++b.ready == b.slots.size()) release(b);
    return;
  }
  if (!b.buffer.defined()) b.buffer = acquire(b.hi - b.lo);
  kernels::bucket_pack_add(b.buffer, s.offset - b.lo, g);  // += in one pass, bf16 -> fp32/fp64 on the fly
  if (++b.ready == b.slots.size()) reduce(b, static_cast<int64_t>(index));
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
  comm_.reduce_scatter_sum(b.buffer.data_ptr(), recv_.data_ptr(), counts, reduce_dtype_);
  if (mine > 0) {
    auto dst = grad.narrow(0, my_lo - shard_begin_, static_cast<int64_t>(mine));
    kernels::bucket_unpack(recv_, 0, dst, /*accumulate=*/true);
  }
  release(b);
}

void Zero2::release(Bucket& b) {
  if (b.buffer.defined()) pool_.push_back(std::move(b.buffer));
  b.buffer = torch::Tensor();
  b.ready = 0;
  for (size_t i : b.slots) params_.slots[i].param.mutable_grad() = torch::Tensor();  // full grads released
  ++buckets_reduced;
}

void Zero2::finish_backward() {
  for (size_t i = 0; i < buckets_.size(); ++i) {
    Bucket& b = buckets_[i];
    if (b.ready == 0 && !b.buffer.defined()) continue;
    if (comm_.world() == 1) {  // parameters that got no gradient count as zero
      release(b);
      continue;
    }
    if (!b.buffer.defined()) b.buffer = acquire(b.hi - b.lo);
    reduce(b, static_cast<int64_t>(i));  // parameters that got no gradient count as zero
  }
  for (auto& s : params_.slots) s.param.mutable_grad() = torch::Tensor();
}

double Zero2::global_grad_norm() {
  double sq = sum_of_squares_f64(grad);  // fp64 sums over fixed chunks, no fp64 copy of the shard
  comm_.all_reduce_sum(&sq, 1, DType::F64);
  return std::sqrt(sq);
}

void Zero2::step(const kernels::AdamWHyper& h, float grad_scale) {
  ++steps_;
  const torch::Tensor g = grad.scalar_type() == torch::kFloat ? grad : kernels::convert(grad, torch::kFloat);
  // Padding stays zero: the tail beyond Psi never receives gradients, but decay could move it.
  const int64_t shard = params_.shard_size();
  const bool single = comm_.world() == 1;
  // One rank: the shard is the whole flat buffer, updated in place. Else the updated shard is
  // all-gathered from shard_out_ straight into the flat buffer (no temporary, no copy).
  torch::Tensor out = single ? params_.flat.narrow(0, 0, shard) : shard_out_;
  if (params_.flat.scalar_type() == torch::kBFloat16) {
    // Fused AdamW (kernels/adamw): updates the fp32 master and writes the bf16 shard in one pass.
    auto decay = torch::from_blob(decay_.data(), {shard}, torch::kByte).to(master.device());
    kernels::adamw_step(master, exp_avg, exp_avg_sq, g, decay, h, steps_, grad_scale, out);
  } else {
    kernels::adamw_cpu(master.data_ptr<float>(), exp_avg.data_ptr<float>(), exp_avg_sq.data_ptr<float>(),
                       g.data_ptr<float>(), decay_.data(), master.numel(), h, steps_, grad_scale, nullptr);
    torch::NoGradGuard no_grad;
    out.copy_(master);
  }
  if (single) return;
  const DType t = params_.flat.scalar_type() == torch::kBFloat16 ? DType::BF16 : DType::F32;
  comm_.all_gather(out.data_ptr(), params_.flat.data_ptr(), static_cast<size_t>(shard), t);
}

}  // namespace cf
