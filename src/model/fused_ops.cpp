#include "model/fused_ops.h"

#include <algorithm>

#include "model/fused_ops_avx2.h"

namespace cf {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// All tensors on the CPU with one dtype, fp32 or bf16, and the CPU has AVX2 (the loops are
// compiled for it); otherwise callers take the LibTorch expression.
bool fusable(std::initializer_list<torch::Tensor> ts) {
  static const bool has_avx2 = __builtin_cpu_supports("avx2");
  const auto t = ts.begin()->scalar_type();
  if (!has_avx2 || (t != torch::kFloat && t != torch::kBFloat16)) return false;
  return std::all_of(ts.begin(), ts.end(), [&](const torch::Tensor& x) { return x.is_cpu() && x.scalar_type() == t; });
}

// Calls f(E{}) with E the storage type of dtype t: float or uint16_t (bf16 bits).
template <typename F>
void dispatch(torch::ScalarType t, F&& f) {
  if (t == torch::kFloat) f(float{});
  else f(uint16_t{});
}
template <typename E>
E* ptr(const torch::Tensor& x) { return reinterpret_cast<E*>(x.data_ptr()); }

constexpr int64_t kGrain = 16384;  // elements per parallel_for chunk

struct RmsNormFn : torch::autograd::Function<RmsNormFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x_in, const torch::Tensor& w, double eps) {
    auto x = x_in.contiguous();
    const int64_t d = x.size(-1), rows = x.numel() / d;
    auto out = torch::empty_like(x);
    auto rinv = torch::empty({rows}, x.options().dtype(torch::kFloat));
    dispatch(x.scalar_type(), [&](auto tag) {
      using E = decltype(tag);
      at::parallel_for(0, rows, std::max<int64_t>(1, kGrain / d), [&](int64_t r0, int64_t r1) {
        fused_avx2::rms_fwd(ptr<E>(x) + r0 * d, ptr<E>(w), ptr<E>(out) + r0 * d, rinv.data_ptr<float>() + r0, r1 - r0,
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
    dispatch(x.scalar_type(), [&](auto tag) {
      using E = decltype(tag);
      const float* rp = rinv.data_ptr<float>();
      at::parallel_for(0, rows, std::max<int64_t>(1, kGrain / d), [&](int64_t r0, int64_t r1) {
        fused_avx2::rms_bwd_dx(ptr<E>(x) + r0 * d, ptr<E>(w), ptr<E>(go) + r0 * d, rp + r0, ptr<E>(dx) + r0 * d,
                               r1 - r0, d);
      });
      // Columns split over threads, each column summed over all rows in order.
      at::parallel_for(0, d, 256, [&](int64_t j0, int64_t j1) {
        fused_avx2::rms_bwd_dw(ptr<E>(x), ptr<E>(go), rp, dw.data_ptr<float>(), rows, d, j0, j1);
      });
    });
    return {dx, dw.to(w.scalar_type()), torch::Tensor()};
  }
};

struct RopeFn : torch::autograd::Function<RopeFn> {
  static void run(const torch::Tensor& src, const torch::Tensor& dst, const torch::Tensor& cos,
                  const torch::Tensor& sin, int64_t b, int64_t t, int64_t h, int64_t hd, bool fwd) {
    dispatch(src.scalar_type(), [&](auto tag) {
      using E = decltype(tag);
      at::parallel_for(0, b * t, std::max<int64_t>(1, kGrain / (h * hd)), [&](int64_t q0, int64_t q1) {
        fused_avx2::rope(ptr<E>(src), ptr<E>(dst), cos.data_ptr<float>(), sin.data_ptr<float>(), q0, q1, t, h, hd, fwd);
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

struct SwigluFn : torch::autograd::Function<SwigluFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& g_in, const torch::Tensor& u_in) {
    auto g = g_in.contiguous(), u = u_in.contiguous();
    auto out = torch::empty_like(g);
    dispatch(g.scalar_type(), [&](auto tag) {
      using E = decltype(tag);
      at::parallel_for(0, g.numel(), kGrain, [&](int64_t i0, int64_t i1) {
        fused_avx2::swiglu_fwd(ptr<E>(g) + i0, ptr<E>(u) + i0, ptr<E>(out) + i0, i1 - i0);
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
    dispatch(g.scalar_type(), [&](auto tag) {
      using E = decltype(tag);
      at::parallel_for(0, g.numel(), kGrain, [&](int64_t i0, int64_t i1) {
        fused_avx2::swiglu_bwd(ptr<E>(g) + i0, ptr<E>(u) + i0, ptr<E>(go) + i0, ptr<E>(dg) + i0, ptr<E>(du) + i0,
                               i1 - i0);
      });
    });
    return {dg, du};
  }
};

torch::Tensor rotate_half(const torch::Tensor& x) {
  auto h = x.size(-1) / 2;
  return torch::cat({-x.slice(-1, h), x.slice(-1, 0, h)}, -1);
}

}  // namespace

torch::Tensor fused_rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  if (fusable({x, weight}) && weight.is_contiguous() && weight.numel() == x.size(-1))
    return RmsNormFn::apply(x, weight, eps);
  auto xf = x.to(torch::kFloat);
  xf = xf * torch::rsqrt(xf.pow(2).mean(-1, true) + eps);
  return weight * xf.to(x.scalar_type());
}

torch::Tensor fused_rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  if (fusable({x}) && cos.scalar_type() == torch::kFloat && sin.scalar_type() == torch::kFloat && cos.is_contiguous() &&
      sin.is_contiguous() && x.dim() == 4 && x.size(-1) % 2 == 0 && cos.size(0) == x.size(1) && cos.size(1) == x.size(3))
    return RopeFn::apply(x, cos, sin);
  auto xt = x.transpose(1, 2);
  return xt * cos.to(x.scalar_type()) + rotate_half(xt) * sin.to(x.scalar_type());
}

torch::Tensor fused_swiglu(const torch::Tensor& gate, const torch::Tensor& up) {
  if (fusable({gate, up}) && gate.sizes() == up.sizes()) return SwigluFn::apply(gate, up);
  return torch::silu(gate) * up;
}

}  // namespace cf
