#include "rms_norm.h"

#include <algorithm>

#include "cpu_fused.h"
#include "rms_norm_raw.h"

namespace cf::kernels {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

struct RmsNormFn : torch::autograd::Function<RmsNormFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x_in, const torch::Tensor& w, double eps) {
    auto x = x_in.contiguous();
    const int64_t d = x.size(-1), rows = x.numel() / d;
    auto out = torch::empty_like(x);
    auto rinv = torch::empty({rows}, x.options().dtype(torch::kFloat));
    dispatch_storage(x.scalar_type(), [&](auto tag) {
      using E = decltype(tag);
      at::parallel_for(0, rows, std::max<int64_t>(1, kFusedGrain / d), [&](int64_t r0, int64_t r1) {
        rms_fwd(storage<E>(x) + r0 * d, storage<E>(w), storage<E>(out) + r0 * d, rinv.data_ptr<float>() + r0, r1 - r0,
                d, static_cast<float>(eps));
      });
    });
    ctx->save_for_backward({x, w, rinv});
    return out;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto &x = saved[0], &w = saved[1], &rinv = saved[2];
    auto go = grads[0].to(x.scalar_type()).contiguous();
    const int64_t d = x.size(-1), rows = x.numel() / d;
    auto dx = torch::empty_like(x);
    auto dw = torch::zeros({d}, x.options().dtype(torch::kFloat));
    dispatch_storage(x.scalar_type(), [&](auto tag) {
      using E = decltype(tag);
      const float* rp = rinv.data_ptr<float>();
      at::parallel_for(0, rows, std::max<int64_t>(1, kFusedGrain / d), [&](int64_t r0, int64_t r1) {
        rms_bwd_dx(storage<E>(x) + r0 * d, storage<E>(w), storage<E>(go) + r0 * d, rp + r0, storage<E>(dx) + r0 * d,
                   r1 - r0, d);
      });
      // Columns split over threads, each column summed over all rows in order.
      at::parallel_for(0, d, 256, [&](int64_t j0, int64_t j1) {
        rms_bwd_dw(storage<E>(x), storage<E>(go), rp, dw.data_ptr<float>(), rows, d, j0, j1);
      });
    });
    return {dx, dw.to(w.scalar_type()), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor fused_rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  if (cpu_fusable({x, weight}) && weight.is_contiguous() && weight.numel() == x.size(-1))
    return RmsNormFn::apply(x, weight, eps);
  auto xf = x.to(torch::kFloat);
  xf = xf * torch::rsqrt(xf.pow(2).mean(-1, true) + eps);
  return weight * xf.to(x.scalar_type());
}

}  // namespace cf::kernels
