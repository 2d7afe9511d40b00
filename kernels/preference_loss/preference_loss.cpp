// Dispatch and autograd of the fused preference loss (see preference_loss.h).
#include "preference_loss.h"

namespace cf::kernels {
namespace {

PrefLossParams params_of(const torch::autograd::AutogradContext* ctx);

template <class T>
void run(bool backward, bool cuda, const std::vector<torch::Tensor>& in, const PrefLossParams& p,
         const torch::Tensor& g, std::vector<torch::Tensor>& out) {
  const T* counts = in[4].numel() > 0 ? in[4].data_ptr<T>() : nullptr;
  const int64_t n = in[0].numel();
  const T *pc = in[0].data_ptr<T>(), *pr = in[1].data_ptr<T>(), *rc = in[2].data_ptr<T>(), *rr = in[3].data_ptr<T>();
  if (!backward) {
    if (cuda) preference_loss_forward_cuda<T>(pc, pr, rc, rr, counts, n, p, out[0].data_ptr<T>(), nullptr);
    else preference_loss_forward_cpu<T>(pc, pr, rc, rr, counts, n, p, out[0].data_ptr<T>());
  } else {
    if (cuda)
      preference_loss_backward_cuda<T>(pc, pr, rc, rr, counts, n, p, g.data_ptr<T>(), out[0].data_ptr<T>(),
                                       out[1].data_ptr<T>(), nullptr);
    else
      preference_loss_backward_cpu<T>(pc, pr, rc, rr, counts, n, p, g.data_ptr<T>(), out[0].data_ptr<T>(),
                                      out[1].data_ptr<T>());
  }
}

void dispatch(bool backward, const std::vector<torch::Tensor>& in, const PrefLossParams& p, const torch::Tensor& g,
              std::vector<torch::Tensor>& out) {
  if (in[0].scalar_type() == torch::kDouble) run<double>(backward, in[0].is_cuda(), in, p, g, out);
  else run<float>(backward, in[0].is_cuda(), in, p, g, out);
}

class PrefLossFn : public torch::autograd::Function<PrefLossFn> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& pc, const torch::Tensor& pr,
                               const torch::Tensor& rc, const torch::Tensor& rr, const torch::Tensor& counts,
                               int64_t type, double beta, double e, double sft) {
    const PrefLossParams p{static_cast<PrefLossType>(type), beta, e, sft};
    std::vector<torch::Tensor> in{
        pc.contiguous(), pr.contiguous(), rc.contiguous(), rr.contiguous(),
        counts.numel() > 0 ? counts.to(pc.scalar_type()).contiguous() : torch::empty({0}, pc.options())};
    std::vector<torch::Tensor> out{torch::empty_like(in[0])};
    dispatch(false, in, p, {}, out);
    ctx->save_for_backward(in);
    ctx->saved_data["type"] = type;
    ctx->saved_data["beta"] = beta;
    ctx->saved_data["e"] = e;
    ctx->saved_data["sft"] = sft;
    return out[0];
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto in = ctx->get_saved_variables();
    std::vector<torch::Tensor> out{torch::empty_like(in[0]), torch::empty_like(in[0])};
    dispatch(true, in, params_of(ctx), grads[0].to(in[0].scalar_type()).contiguous(), out);
    return {out[0], out[1], {}, {}, {}, {}, {}, {}, {}};
  }
};

PrefLossParams params_of(const torch::autograd::AutogradContext* ctx) {
  auto& d = ctx->saved_data;
  return {static_cast<PrefLossType>(d.at("type").toInt()), d.at("beta").toDouble(), d.at("e").toDouble(),
          d.at("sft").toDouble()};
}

}  // namespace

PrefLossType pref_loss_type(const std::string& name) {
  if (name == "sigmoid") return PrefLossType::Sigmoid;
  if (name == "ipo") return PrefLossType::Ipo;
  if (name == "hinge") return PrefLossType::Hinge;
  if (name == "robust") return PrefLossType::Robust;
  TORCH_CHECK(false, "unknown preference loss '", name, "' (sigmoid, ipo, hinge, robust)");
}

PreferenceLossOutput preference_loss(const torch::Tensor& pc, const torch::Tensor& pr, const torch::Tensor& rc,
                                     const torch::Tensor& rr, const PrefLossParams& p, const torch::Tensor& counts) {
  TORCH_CHECK(pc.scalar_type() == torch::kFloat || pc.scalar_type() == torch::kDouble,
              "preference_loss: log-probs must be fp32 or fp64");
  for (const torch::Tensor* t : {&pr, &rc, &rr})
    TORCH_CHECK(t->sizes() == pc.sizes() && t->scalar_type() == pc.scalar_type() && t->device() == pc.device(),
                "preference_loss: all four log-prob tensors need the same shape, dtype and device");
  TORCH_CHECK(p.beta > 0, "preference_loss: beta must be > 0");
  TORCH_CHECK(p.type != PrefLossType::Robust || p.label_smoothing < 0.5,
              "preference_loss: robust needs label_smoothing < 0.5");
  PreferenceLossOutput o;
  TORCH_CHECK(!counts.defined() || counts.numel() == pc.numel(), "preference_loss: chosen_counts must be [B]");
  // LibTorch 1.13's Function::apply needs defined tensors: "no counts" travels as an empty one.
  o.losses =
      PrefLossFn::apply(pc, pr, rc.detach(), rr.detach(), counts.defined() ? counts : torch::empty({0}, pc.options()),
                        static_cast<int64_t>(p.type), p.beta, p.label_smoothing, p.sft_weight);
  o.reward_chosen = (p.beta * (pc - rc)).detach();
  o.reward_rejected = (p.beta * (pr - rr)).detach();
  return o;
}

}  // namespace cf::kernels
