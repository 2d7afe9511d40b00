#include "train/preference_step.h"

#include "train/batch.h"
#include "train/sequence_logp.h"

namespace cf {

PreferenceResult preference_step(Vlm& model, Zero2& zero, Communicator& comm, PairDataset& data,
                                 const std::vector<int64_t>& global_batch, const StepSetup& s, const PreferenceSetup& p,
                                 const kernels::AdamWHyper& h) {
  const int64_t n_global = static_cast<int64_t>(global_batch.size());
  const int64_t micro_per_step = n_global / s.micro_batch;
  PreferenceResult r;
  struct Micro {
    Batch batch;
    torch::Tensor ref_c, ref_r;
    int64_t chosen_tokens = 0;
  };
  std::vector<Micro> mine;
  int64_t counts[2] = {0, 0};  // tokens, chosen answer tokens of this rank
  for (int64_t j = comm.rank(); j < micro_per_step; j += comm.world()) {
    std::vector<TokenSample> chosen, rejected;
    std::vector<float> ref_c, ref_r;
    Micro m;
    for (int64_t k = 0; k < s.micro_batch; ++k) {
      PairSample ps = data.get(global_batch[static_cast<size_t>(j * s.micro_batch + k)]);
      chosen.push_back(answer_sequence(ps.prompt, ps.chosen, ps.images));
      rejected.push_back(answer_sequence(ps.prompt, ps.rejected, ps.images));
      ref_c.push_back(static_cast<float>(ps.ref_chosen));
      ref_r.push_back(static_cast<float>(ps.ref_rejected));
      m.chosen_tokens += static_cast<int64_t>(ps.chosen.size());
    }
    chosen.insert(chosen.end(), rejected.begin(), rejected.end());  // rows: chosen..., rejected...
    m.batch = collate(chosen, model->cfg.vision.image_size, s.pad_id);
    m.ref_c = torch::tensor(ref_c);
    m.ref_r = torch::tensor(ref_r);
    counts[0] += m.batch.tokens;
    counts[1] += m.chosen_tokens;
    r.step.local_samples += s.micro_batch;
    mine.push_back(std::move(m));
  }
  comm.all_reduce_sum(counts, 2, DType::I64);
  const double chosen_tokens = static_cast<double>(std::max<int64_t>(1, counts[1]));
  zero.zero_grad();
  // Sums over this rank's pairs: preference loss, rewards c/r, accuracy, margin, logps c/r, chosen NLL.
  double sums[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (auto& m : mine) {
    auto lp = sequence_logps(model, m.batch, s.dtype);
    auto pc = lp.logps.slice(0, 0, s.micro_batch), pr = lp.logps.slice(0, s.micro_batch);
    auto out = preference_loss(pc, pr, m.ref_c, m.ref_r, p.loss);
    auto pref = out.losses.sum();
    auto nll_c = -pc.sum();
    auto total = pref / static_cast<double>(n_global);
    if (p.sft_weight > 0) total = total + (p.sft_weight / chosen_tokens) * nll_c;
    total.backward();
    zero.finish_backward();
    sums[0] += pref.item<double>();
    sums[1] += out.reward_chosen.sum().item<double>();
    sums[2] += out.reward_rejected.sum().item<double>();
    sums[3] += (out.reward_chosen > out.reward_rejected).sum().item<double>();
    sums[4] += (out.reward_chosen - out.reward_rejected).sum().item<double>();
    sums[5] += pc.sum().item<double>();
    sums[6] += pr.sum().item<double>();
    sums[7] += nll_c.item<double>();
  }
  comm.all_reduce_sum(sums, 8, DType::F64);
  r.step.grad_norm = zero.global_grad_norm();
  const float scale =
      (s.clip > 0 && r.step.grad_norm > s.clip) ? static_cast<float>(s.clip / (r.step.grad_norm + 1e-6)) : 1.0f;
  zero.step(h, scale);
  const double n = static_cast<double>(n_global);
  r.pref_loss = sums[0] / n;
  r.reward_chosen = sums[1] / n;
  r.reward_rejected = sums[2] / n;
  r.accuracy = sums[3] / n;
  r.margin = sums[4] / n;
  r.logp_chosen = sums[5] / n;
  r.logp_rejected = sums[6] / n;
  r.sft_nll = sums[7] / chosen_tokens;
  r.step.loss = r.pref_loss + p.sft_weight * r.sft_nll;
  r.step.tokens = counts[0];
  return r;
}

}  // namespace cf
