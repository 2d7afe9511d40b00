// One DPO/SPIN optimizer step under ZeRO-2, with the SFT step's micro-batch rules: micro-batch
// j of the global batch runs on rank j % world. A micro-batch's chosen and rejected sequences
// go through one forward pass; per-sequence log-probs are sums over answer tokens in fp32.
// Loss = mean over the global batch of the preference loss (preference_loss.h)
//      + sft_weight x (NLL of the chosen answers / their tokens over the global batch).
#pragma once
#include <vector>

#include "comm/communicator.h"
#include "model/modules.h"
#include "train/pair_data.h"
#include "train/preference_loss.h"
#include "train/sft_step.h"
#include "train/zero2.h"

namespace cf {

struct PreferenceSetup {
  PreferenceParams loss;
  double sft_weight = 0.0;
};

struct PreferenceResult {
  StepResult step;  // loss (total), grad_norm, tokens, local_samples
  // Means over the global batch: rewards/chosen, rewards/rejected, rewards/accuracies,
  // rewards/margins, logps/chosen, logps/rejected; sft_nll = chosen NLL per answer token.
  double reward_chosen = 0, reward_rejected = 0, accuracy = 0, margin = 0;
  double logp_chosen = 0, logp_rejected = 0, pref_loss = 0, sft_nll = 0;
};

PreferenceResult preference_step(Vlm& model, Zero2& zero, Communicator& comm, PairDataset& data,
                                 const std::vector<int64_t>& global_batch, const StepSetup& s, const PreferenceSetup& p,
                                 const kernels::AdamWHyper& h);

}  // namespace cf
