// Dispatch and autograd of the token log-prob op (see token_logprobs.h).
#include "token_logprobs.h"

#include "token_logprobs_raw.h"

namespace cf::kernels {
namespace {

Elem elem_of(const torch::Tensor& t) {
  if (t.scalar_type() == torch::kFloat) return Elem::F32;
  if (t.scalar_type() == torch::kBFloat16) return Elem::BF16;
  TORCH_CHECK(false, "token_logprobs: logits must be fp32 or bf16, got ", t.scalar_type());
}

void* stream_of(const torch::Tensor&) { return nullptr; }  // the default stream (CPU-only LibTorch here)

class TokenLogprobsFn : public torch::autograd::Function<TokenLogprobsFn> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& logits,
                               const torch::Tensor& targets, const torch::Tensor& weights, bool in_place) {
    const int64_t vocab = logits.size(-1);
    auto x = logits.contiguous().view({-1, vocab});
    auto t = targets.reshape({-1}).to(torch::kLong).contiguous();
    TORCH_CHECK(t.numel() == x.size(0), "token_logprobs: ", t.numel(), " targets for ", x.size(0), " rows of logits");
    auto w = weights.numel() > 0 ? weights.reshape({-1}).to(torch::kFloat).contiguous() : torch::Tensor();
    TORCH_CHECK(!w.defined() || w.numel() == t.numel(), "token_logprobs: weights and targets differ in size");
    auto active = w.defined() ? t.masked_select(w != 0) : t;
    if (active.numel() > 0) {
      const auto lo = active.min().item<int64_t>(), hi = active.max().item<int64_t>();
      TORCH_CHECK(lo >= 0 && hi < vocab, "token_logprobs: target ", lo < 0 ? lo : hi, " outside vocabulary [0, ", vocab,
                  ")");
    }
    auto fo = torch::TensorOptions().device(x.device());
    auto logp = torch::empty({x.size(0)}, fo.dtype(torch::kFloat));
    auto lse = torch::empty({x.size(0)}, fo.dtype(torch::kDouble));
    const LogitRows r{x.data_ptr(),
                      elem_of(x),
                      x.size(0),
                      vocab,
                      vocab,
                      t.data_ptr<int64_t>(),
                      w.defined() ? w.data_ptr<float>() : nullptr};
    if (x.is_cuda()) token_logprobs_forward_cuda(r, logp.data_ptr<float>(), lse.data_ptr<double>(), stream_of(x));
    else token_logprobs_forward_cpu(r, logp.data_ptr<float>(), lse.data_ptr<double>());
    ctx->save_for_backward({x, t, lse, w.defined() ? w : torch::empty({0})});
    ctx->saved_data["in_place"] = in_place;
    ctx->saved_data["shape"] = logits.sizes().vec();
    return logp.view(targets.sizes());
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    auto x = saved[0], t = saved[1], lse = saved[2], w = saved[3];
    auto g = grads[0].reshape({-1}).to(torch::kFloat).contiguous();
    if (w.numel() > 0) g = torch::where(w != 0, g, torch::zeros_like(g)).contiguous();
    auto out = ctx->saved_data["in_place"].toBool() ? x : torch::empty_like(x);
    if (!ctx->saved_data["in_place"].toBool()) out.copy_(x);
    const int64_t vocab = x.size(1);
    if (out.is_cuda())
      token_logprobs_backward_cuda(out.data_ptr(), elem_of(out), out.size(0), vocab, vocab, t.data_ptr<int64_t>(),
                                   lse.data_ptr<double>(), g.data_ptr<float>(), stream_of(out));
    else
      token_logprobs_backward_cpu(out.data_ptr(), elem_of(out), out.size(0), vocab, vocab, t.data_ptr<int64_t>(),
                                  lse.data_ptr<double>(), g.data_ptr<float>());
    return {out.view(ctx->saved_data["shape"].toIntVector()), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor token_logprobs(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& weights,
                             bool in_place_backward) {
  // LibTorch 1.13's Function::apply needs defined tensors: "no weights" travels as an empty one.
  return TokenLogprobsFn::apply(logits, targets, weights.defined() ? weights : torch::empty({0}), in_place_backward);
}

torch::Tensor token_nll_sum(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& weights,
                            bool in_place_backward) {
  auto logp = token_logprobs(logits, targets, weights, in_place_backward);
  return -(logp * weights.to(torch::kFloat)).sum();
}

}  // namespace cf::kernels
