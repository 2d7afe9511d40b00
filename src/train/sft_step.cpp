#include "train/sft_step.h"

namespace cf {

torch::Tensor sft_nll_sum(Vlm& model, const Batch& b, torch::ScalarType dtype) {
  auto hidden = model->forward_hidden(b.input_ids, b.images.to(dtype));  // [B, T, D]
  const int64_t t = hidden.size(1), d = hidden.size(2);
  // Answer positions of the [B, T-1] targets; position (i, j) predicts token j + 1 and reads
  // hidden row i * T + j.
  auto w = b.weights.reshape({-1});
  auto pos = w.nonzero().reshape({-1});
  auto rows = pos + torch::div(pos, t - 1, "floor");
  auto logits = model->lm()->logits(hidden.reshape({-1, d}).index_select(0, rows));  // [answers, V]
  return token_nll_sum(logits, b.targets.reshape({-1}).index_select(0, pos), w.index_select(0, pos));
}

StepResult sft_step(Vlm& model, Zero2& zero, Communicator& comm, TokenDataset& data,
                    const std::vector<int64_t>& global_batch, const StepSetup& s, const kernels::AdamWHyper& h) {
  const int64_t micro_per_step = static_cast<int64_t>(global_batch.size()) / s.micro_batch;
  StepResult r;
  std::vector<Batch> mine;
  int64_t counts[2] = {0, 0};  // tokens, answer tokens of this rank
  for (int64_t j = comm.rank(); j < micro_per_step; j += comm.world()) {
    std::vector<TokenSample> samples;
    for (int64_t k = 0; k < s.micro_batch; ++k)
      samples.push_back(data.get(global_batch[static_cast<size_t>(j * s.micro_batch + k)]));
    mine.push_back(collate(samples, model->cfg.vision.image_size, s.pad_id));
    counts[0] += mine.back().tokens;
    counts[1] += mine.back().loss_tokens;
    r.local_samples += s.micro_batch;
  }
  comm.all_reduce_sum(counts, 2, DType::I64);
  const double norm_tokens = static_cast<double>(std::max<int64_t>(1, counts[1]));
  zero.zero_grad();
  double loss_sum = 0;
  for (auto& b : mine) {
    auto nll = sft_nll_sum(model, b, s.dtype);
    (nll / norm_tokens).backward();
    zero.finish_backward();
    loss_sum += nll.item<double>();
  }
  comm.all_reduce_sum(&loss_sum, 1, DType::F64);
  r.grad_norm = zero.global_grad_norm();
  const float scale = (s.clip > 0 && r.grad_norm > s.clip) ? static_cast<float>(s.clip / (r.grad_norm + 1e-6)) : 1.0f;
  zero.step(h, scale);
  r.loss = loss_sum / norm_tokens;
  r.tokens = counts[0];
  return r;
}

}  // namespace cf
