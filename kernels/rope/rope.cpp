#include "rope.h"

#include "cpu_fused.h"
#include "rope_raw.h"

namespace cf::kernels {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

struct RopeFn : torch::autograd::Function<RopeFn> {
  static void run(const torch::Tensor& src, const torch::Tensor& dst, const torch::Tensor& cos,
                  const torch::Tensor& sin, int64_t b, int64_t t, int64_t h, int64_t hd, bool fwd) {
    dispatch_storage(src.scalar_type(), [&](auto tag) {
      using E = decltype(tag);
      at::parallel_for(0, b * t, std::max<int64_t>(1, kFusedGrain / (h * hd)), [&](int64_t q0, int64_t q1) {
        rope(storage<E>(src), storage<E>(dst), cos.data_ptr<float>(), sin.data_ptr<float>(), q0, q1, t, h, hd, fwd);
      });
    });
  }

  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x_in, const torch::Tensor& cos,
                               const torch::Tensor& sin) {
    auto x = x_in.contiguous();
    const int64_t b = x.size(0), t = x.size(1), h = x.size(2), hd = x.size(3);
    auto out = torch::empty({b, h, t, hd}, x.options());
    run(x, out, cos, sin, b, t, h, hd, true);
    ctx->save_for_backward({cos, sin});
    return out;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    auto g = grads[0].contiguous();
    const int64_t b = g.size(0), h = g.size(1), t = g.size(2), hd = g.size(3);
    auto gx = torch::empty({b, t, h, hd}, g.options());
    run(g, gx, saved[0], saved[1], b, t, h, hd, false);
    return {gx, torch::Tensor(), torch::Tensor()};
  }
};

torch::Tensor rotate_half(const torch::Tensor& x) {
  auto h = x.size(-1) / 2;
  return torch::cat({-x.slice(-1, h), x.slice(-1, 0, h)}, -1);
}

}  // namespace

torch::Tensor fused_rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  if (cpu_fusable({x}) && cos.scalar_type() == torch::kFloat && sin.scalar_type() == torch::kFloat &&
      cos.is_contiguous() && sin.is_contiguous() && x.dim() == 4 && x.size(-1) % 2 == 0 && cos.size(0) == x.size(1) &&
      cos.size(1) == x.size(3))
    return RopeFn::apply(x, cos, sin);
  auto xt = x.transpose(1, 2);
  return xt * cos.to(x.scalar_type()) + rotate_half(xt) * sin.to(x.scalar_type());
}

std::pair<torch::Tensor, torch::Tensor> rope_tables(const torch::Tensor& positions, int64_t hd, double theta) {
  auto inv = torch::pow(theta, -torch::arange(0, hd, 2, torch::kFloat) / static_cast<double>(hd));
  auto f = torch::outer(positions.to(torch::kFloat), inv);  // [T, hd/2]
  auto emb = torch::cat({f, f}, -1);
  return {emb.cos(), emb.sin()};
}

}  // namespace cf::kernels
