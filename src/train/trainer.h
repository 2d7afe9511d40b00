// cf-train: the training loop. train.mode = sft (tokenized dataset, answer-token NLL) or
// dpo / spin (cf-generate pairs, preference_step.h; spin is the sigmoid loss on pairs whose
// chosen answer is the dataset's and rejected answer the previous model's).
//
// Each optimizer step consumes one global batch (train.global_batch samples, in the epoch's
// seeded order). The global batch is cut into micro-batches of train.micro_batch; micro-batch j
// runs on rank j % world, so the sample order and the micro-batch contents never depend on the
// world size. SFT loss = sum of answer-token NLL / answer tokens of the whole global batch.
#pragma once
#include "job/job.h"

namespace cf {

void declare_train_config(ConfigSchema& schema);
StageCounts run_train(JobContext& ctx);

}  // namespace cf
