#include "swiglu.h"

#include "cpu_fused.h"
#include "swiglu_raw.h"

namespace cf::kernels {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

struct SwigluFn : torch::autograd::Function<SwigluFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& g_in, const torch::Tensor& u_in) {
    auto g = g_in.contiguous(), u = u_in.contiguous();
    auto out = torch::empty_like(g);
    dispatch_storage(g.scalar_type(), [&](auto tag) {
      using E = decltype(tag);
      at::parallel_for(0, g.numel(), kFusedGrain, [&](int64_t i0, int64_t i1) {
        swiglu_fwd(storage<E>(g) + i0, storage<E>(u) + i0, storage<E>(out) + i0, i1 - i0);
      });
    });
    ctx->save_for_backward({g, u});
    return out;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto &g = saved[0], &u = saved[1];
    auto go = grads[0].to(g.scalar_type()).contiguous();
    auto dg = torch::empty_like(g), du = torch::empty_like(u);
    dispatch_storage(g.scalar_type(), [&](auto tag) {
      using E = decltype(tag);
      at::parallel_for(0, g.numel(), kFusedGrain, [&](int64_t i0, int64_t i1) {
        swiglu_bwd(storage<E>(g) + i0, storage<E>(u) + i0, storage<E>(go) + i0, storage<E>(dg) + i0,
                   storage<E>(du) + i0, i1 - i0);
      });
    });
    return {dg, du};
  }
};

}  // namespace

torch::Tensor fused_swiglu(const torch::Tensor& gate, const torch::Tensor& up) {
  if (cpu_fusable({gate, up}) && gate.sizes() == up.sizes()) return SwigluFn::apply(gate, up);
  return torch::silu(gate) * up;
}

}  // namespace cf::kernels
