#include "train/sequence_logp.h"

#include <algorithm>

#include "kernels/linear_logprobs/linear_logprobs.h"

namespace cf {

SequenceLogps sequence_logps(Vlm& model, const Batch& b, torch::ScalarType dtype, bool fused) {
  auto hidden = model->forward_hidden(b.input_ids, b.images.to(dtype));
  auto h = hidden.slice(1, 0, hidden.size(1) - 1);  // [B, T-1, D]: predicts tokens 1..T-1
  torch::Tensor logp;                               // [B, T-1] fp32
  if (fused) {
    // Head and log-probs fused over chunks of tokens (kernels/linear_logprobs): the [B, T-1, V]
    // logits never exist at once, forward or backward. Rows outside the answer (weight 0) are
    // skipped (log-prob 0).
    auto& lm = *model->lm();
    const auto& head = lm.cfg.tie_embeddings ? lm.embed_tokens->weight : lm.lm_head->weight;  // [V, D]
    logp = kernels::linear_logprobs(h, head, b.targets, b.weights);
  } else {
    logp = torch::log_softmax(model->lm()->logits(h).to(torch::kFloat), -1)
               .gather(-1, b.targets.unsqueeze(-1))
               .squeeze(-1);
  }
  auto picked = logp * b.weights;  // [B, T-1]
  SequenceLogps out;
  out.logps = picked.sum(1);
  out.nll = -out.logps.sum();
  return out;
}

std::vector<std::pair<float, float>> score_pairs(Vlm& model, const std::vector<PairSample>& pairs, int64_t micro_batch,
                                                 int64_t pad_id, torch::ScalarType dtype) {
  torch::NoGradGuard no_grad;
  std::vector<std::pair<float, float>> out;
  for (size_t lo = 0; lo < pairs.size(); lo += static_cast<size_t>(micro_batch)) {
    const size_t hi = std::min(pairs.size(), lo + static_cast<size_t>(micro_batch));
    std::vector<TokenSample> rows;
    for (size_t i = lo; i < hi; ++i) rows.push_back(answer_sequence(pairs[i].prompt, pairs[i].chosen, pairs[i].images));
    for (size_t i = lo; i < hi; ++i)
      rows.push_back(answer_sequence(pairs[i].prompt, pairs[i].rejected, pairs[i].images));
    auto lp = sequence_logps(model, collate(rows, model->cfg.vision.image_size, pad_id), dtype).logps;
    const int64_t n = static_cast<int64_t>(hi - lo);
    for (int64_t i = 0; i < n; ++i) out.emplace_back(lp[i].item<float>(), lp[n + i].item<float>());
  }
  return out;
}

}  // namespace cf
