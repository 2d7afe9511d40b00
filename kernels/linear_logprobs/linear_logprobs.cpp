// Chunked linear + log-probs with a custom autograd function (see linear_logprobs.h).
#include "linear_logprobs.h"

#include "token_logprobs_raw.h"

namespace cf::kernels {
namespace {

Elem elem_of(const torch::Tensor& t) {
  TORCH_CHECK(t.scalar_type() == torch::kFloat || t.scalar_type() == torch::kBFloat16,
              "linear_logprobs: fp32 or bf16 expected, got ", t.scalar_type());
  return t.scalar_type() == torch::kFloat ? Elem::F32 : Elem::BF16;
}

void rows_forward(const torch::Tensor& logits, const int64_t* t, const float* w, float* logp, double* lse) {
  const LogitRows r{logits.data_ptr(), elem_of(logits), logits.size(0), logits.size(1), logits.size(1), t, w};
  if (logits.is_cuda()) token_logprobs_forward_cuda(r, logp, lse, nullptr);
  else token_logprobs_forward_cpu(r, logp, lse);
}

void rows_backward(torch::Tensor& logits, const int64_t* t, const double* lse, const float* g) {
  if (logits.is_cuda())
    token_logprobs_backward_cuda(logits.data_ptr(), elem_of(logits), logits.size(0), logits.size(1), logits.size(1), t,
                                 lse, g, nullptr);
  else
    token_logprobs_backward_cpu(logits.data_ptr(), elem_of(logits), logits.size(0), logits.size(1), logits.size(1), t,
                                lse, g);
}

class LinearLogprobsFn : public torch::autograd::Function<LinearLogprobsFn> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& hidden,
                               const torch::Tensor& weight, const torch::Tensor& targets, const torch::Tensor& weights,
                               int64_t chunk_elements) {
    TORCH_CHECK(weight.dim() == 2 && hidden.size(-1) == weight.size(1), "linear_logprobs: hidden [..., ",
                weight.size(1), "] expected for weight ", weight.sizes());
    TORCH_CHECK(hidden.scalar_type() == weight.scalar_type(), "linear_logprobs: hidden and weight dtypes differ");
    const int64_t vocab = weight.size(0);
    auto h = hidden.reshape({-1, hidden.size(-1)}).contiguous();
    auto t = targets.reshape({-1}).to(torch::kLong).contiguous();
    TORCH_CHECK(t.numel() == h.size(0), "linear_logprobs: ", t.numel(), " targets for ", h.size(0), " tokens");
    auto w = weights.numel() > 0 ? weights.reshape({-1}).to(torch::kFloat).contiguous() : torch::empty({0});
    auto active = w.numel() > 0 ? t.masked_select(w != 0) : t;
    if (active.numel() > 0)
      TORCH_CHECK(active.min().item<int64_t>() >= 0 && active.max().item<int64_t>() < vocab,
                  "linear_logprobs: target outside vocabulary [0, ", vocab, ")");
    const int64_t n = h.size(0), chunk = std::max<int64_t>(1, chunk_elements / vocab);
    auto logp = torch::empty({n}, h.options().dtype(torch::kFloat));
    auto lse = torch::empty({n}, h.options().dtype(torch::kDouble));
    auto wt = weight.t();
    for (int64_t c0 = 0; c0 < n; c0 += chunk) {
      const int64_t len = std::min(chunk, n - c0);
      auto logits = torch::matmul(h.narrow(0, c0, len), wt).contiguous();  // [len, V]
      rows_forward(logits, t.data_ptr<int64_t>() + c0, w.numel() > 0 ? w.data_ptr<float>() + c0 : nullptr,
                   logp.data_ptr<float>() + c0, lse.data_ptr<double>() + c0);
    }
    ctx->save_for_backward({h, weight, t, w, lse});
    ctx->saved_data["chunk"] = chunk;
    ctx->saved_data["shape"] = hidden.sizes().vec();
    return logp.view(targets.sizes());
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto s = ctx->get_saved_variables();
    auto h = s[0], weight = s[1], t = s[2], w = s[3], lse = s[4];
    const int64_t n = h.size(0), chunk = ctx->saved_data["chunk"].toInt();
    auto g = grads[0].reshape({-1}).to(torch::kFloat).contiguous();
    if (w.numel() > 0) g = torch::where(w != 0, g, torch::zeros_like(g)).contiguous();
    auto grad_h = torch::empty_like(h);
    auto grad_w = torch::zeros(weight.sizes(), weight.options().dtype(torch::kFloat));  // fp32 accumulator
    auto wt = weight.t();
    for (int64_t c0 = 0; c0 < n; c0 += chunk) {
      const int64_t len = std::min(chunk, n - c0);
      auto hc = h.narrow(0, c0, len);
      auto dlogits = torch::matmul(hc, wt).contiguous();  // recomputed, then d/dlogits in place
      rows_backward(dlogits, t.data_ptr<int64_t>() + c0, lse.data_ptr<double>() + c0, g.data_ptr<float>() + c0);
      grad_h.narrow(0, c0, len).copy_(torch::matmul(dlogits, weight));
      if (dlogits.scalar_type() == torch::kFloat) grad_w.addmm_(dlogits.t(), hc);
      else grad_w.addmm_(dlogits.t().to(torch::kFloat), hc.to(torch::kFloat));
    }
    return {grad_h.view(ctx->saved_data["shape"].toIntVector()), grad_w.to(weight.scalar_type()), {}, {}, {}};
  }
};

}  // namespace

torch::Tensor linear_logprobs(const torch::Tensor& hidden, const torch::Tensor& weight, const torch::Tensor& targets,
                              const torch::Tensor& weights, int64_t chunk_elements) {
  // LibTorch 1.13's Function::apply needs defined tensors: "no weights" travels as an empty one.
  return LinearLogprobsFn::apply(hidden, weight, targets, weights.defined() ? weights : torch::empty({0}),
                                 chunk_elements);
}

}  // namespace cf::kernels
