// cf-train: the training loop (SFT now; DPO/SPIN join with the self-play issue).
//
// Each optimizer step consumes one global batch (train.global_batch samples, in the epoch's
// seeded order). The global batch is cut into micro-batches of train.micro_batch; micro-batch j
// runs on rank j % world, so the sample order and the micro-batch contents never depend on the
// world size. Loss = sum of answer-token NLL / answer tokens of the whole global batch.
#pragma once
#include "job/job.h"

namespace cf {

void declare_train_config(ConfigSchema& schema);
StageCounts run_train(JobContext& ctx);

}  // namespace cf
