// Dispatch of the fused AdamW step (see adamw.h).
#include "adamw.h"

namespace cf::kernels {

void adamw_step(torch::Tensor& master, torch::Tensor& exp_avg, torch::Tensor& exp_avg_sq, const torch::Tensor& grad,
                const torch::Tensor& decay, const AdamWHyper& h, int64_t step, float grad_scale,
                const torch::Tensor& param_out) {
  const int64_t n = master.numel();
  for (const torch::Tensor* t : std::initializer_list<const torch::Tensor*>{&master, &exp_avg, &exp_avg_sq, &grad}) {
    TORCH_CHECK(
        t->scalar_type() == torch::kFloat && t->is_contiguous() && t->numel() == n && t->device() == master.device(),
        "adamw_step: master, moments and gradient must be contiguous fp32 of ", n, " elements on one device");
  }
  TORCH_CHECK(!decay.defined() || (decay.scalar_type() == torch::kByte && decay.numel() == n && decay.is_contiguous()),
              "adamw_step: decay mask must be uint8 [n]");
  TORCH_CHECK(!param_out.defined() ||
                  (param_out.scalar_type() == torch::kBFloat16 && param_out.numel() == n && param_out.is_contiguous()),
              "adamw_step: param_out must be contiguous bf16 [n]");
  TORCH_CHECK(step >= 1, "adamw_step: step is 1-based");
  auto* out = param_out.defined() ? reinterpret_cast<uint16_t*>(param_out.data_ptr()) : nullptr;
  const uint8_t* d = decay.defined() ? decay.data_ptr<uint8_t>() : nullptr;
  if (master.is_cuda())
    adamw_cuda(master.data_ptr<float>(), exp_avg.data_ptr<float>(), exp_avg_sq.data_ptr<float>(),
               grad.data_ptr<float>(), d, n, h, step, grad_scale, out, nullptr);
  else
    adamw_cpu(master.data_ptr<float>(), exp_avg.data_ptr<float>(), exp_avg_sq.data_ptr<float>(), grad.data_ptr<float>(),
              d, n, h, step, grad_scale, out);
}

}  // namespace cf::kernels
