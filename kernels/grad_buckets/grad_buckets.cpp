// Dispatch of the gradient bucket conversions (see grad_buckets.h).
#include "grad_buckets.h"

#include "grad_buckets_raw.h"

namespace cf::kernels {
namespace {

Elem elem_of(torch::ScalarType t, const char* what) {
  if (t == torch::kFloat) return Elem::F32;
  if (t == torch::kBFloat16) return Elem::BF16;
  if (t == torch::kDouble) return Elem::F64;
  TORCH_CHECK(false, what, ": unsupported dtype ", t, " (fp32, bf16, fp64)");
}

void run(const torch::Tensor& src, int64_t src_off, torch::Tensor& dst, int64_t dst_off, int64_t n, bool acc,
         const char* what) {
  TORCH_CHECK(src.device() == dst.device(), what, ": tensors on different devices");
  const Elem st = elem_of(src.scalar_type(), what), dt = elem_of(dst.scalar_type(), what);
  TORCH_CHECK(!(acc && dt == Elem::BF16), what, ": cannot accumulate into bf16");
  const auto* s = static_cast<const char*>(src.data_ptr()) + src_off * static_cast<int64_t>(src.element_size());
  auto* d = static_cast<char*>(dst.data_ptr()) + dst_off * static_cast<int64_t>(dst.element_size());
  if (dst.is_cuda()) convert_cuda(s, st, d, dt, n, acc, nullptr);
  else convert_cpu(s, st, d, dt, n, acc);
}

}  // namespace

void bucket_pack_add(torch::Tensor& bucket, int64_t offset, const torch::Tensor& grad) {
  TORCH_CHECK(bucket.is_contiguous(), "bucket_pack_add: bucket must be contiguous");
  TORCH_CHECK(offset >= 0 && offset + grad.numel() <= bucket.numel(), "bucket_pack_add: ", grad.numel(),
              " elements at offset ", offset, " overflow a bucket of ", bucket.numel());
  const auto g = grad.contiguous();
  run(g, 0, bucket, offset, g.numel(), true, "bucket_pack_add");
}

void bucket_pack_add(torch::Tensor& bucket, const std::vector<torch::Tensor>& grads,
                     const std::vector<int64_t>& offsets) {
  TORCH_CHECK(grads.size() == offsets.size(), "bucket_pack_add: ", grads.size(), " gradients, ", offsets.size(),
              " offsets");
  for (size_t i = 0; i < grads.size(); ++i) bucket_pack_add(bucket, offsets[i], grads[i]);
}

void bucket_unpack(const torch::Tensor& bucket, int64_t offset, torch::Tensor& out, bool accumulate) {
  TORCH_CHECK(bucket.is_contiguous() && out.is_contiguous(), "bucket_unpack: tensors must be contiguous");
  TORCH_CHECK(offset >= 0 && offset + out.numel() <= bucket.numel(), "bucket_unpack: ", out.numel(),
              " elements at offset ", offset, " overflow a bucket of ", bucket.numel());
  run(bucket, offset, out, 0, out.numel(), accumulate, "bucket_unpack");
}

torch::Tensor convert(const torch::Tensor& src, torch::ScalarType to) {
  const auto s = src.contiguous();
  auto out = torch::empty(s.sizes(), s.options().dtype(to));
  run(s, 0, out, 0, s.numel(), false, "convert");
  return out;
}

}  // namespace cf::kernels
