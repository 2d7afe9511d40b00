// One SFT optimizer step under ZeRO-2: this rank's micro-batches of the global batch
// (micro-batch j runs on rank j % world), loss normalized by the answer tokens of the whole
// global batch, global-norm clipping, AdamW, all-gather.
#pragma once
#include <vector>

#include "comm/communicator.h"
#include "model/modules.h"
#include "train/batch.h"
#include "train/token_data.h"
#include "train/zero2.h"

namespace cf {

struct StepSetup {
  int64_t micro_batch = 4, pad_id = 0;
  double clip = 1.0;
  torch::ScalarType dtype = torch::kBFloat16;
};

struct StepResult {
  double loss = 0, grad_norm = 0;
  int64_t tokens = 0;         // non-pad tokens of the global batch
  int64_t local_samples = 0;  // samples this rank processed
};

// -sum over answer tokens of log p(target) for one micro-batch (fp32 scalar, differentiable):
// forward_hidden, then the head and the fp32 log-softmax (kernels/token_logprobs) only at the
// positions whose target has weight > 0, so no [B, T-1, V] logits. The same loss and gradients
// as token_nll_sum(lm().logits(hidden[:, :-1]), targets, weights) (test_train_sft_loss).
torch::Tensor sft_nll_sum(Vlm& model, const Batch& b, torch::ScalarType dtype);

// `global_batch`: dataset indices of the step's samples, in order (same on every rank).
StepResult sft_step(Vlm& model, Zero2& zero, Communicator& comm, TokenDataset& data,
                    const std::vector<int64_t>& global_batch, const StepSetup& s, const kernels::AdamWHyper& h);

}  // namespace cf
