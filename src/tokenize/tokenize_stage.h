// cf-tokenizer: merged dataset (io.input/<split>/) -> tokenizer (io.output/tokenizer/) and
// token shards (io.output/<split>/, stage "tokenize", shard i from input shard i).
//
// Rank 0 trains the sentencepiece model on the questions and answers of the first split
// (text gathered from all ranks in shard order, so the model does not depend on the world
// size) or imports tokenizer.model_path; the other ranks wait. Then every rank encodes its
// shards (dealt over all splits by item count); complete shards of the same plan are skipped.
#pragma once
#include "job/job.h"

namespace cf::tokenize {

void declare_tokenizer_config(ConfigSchema& schema);
StageCounts run_tokenizer(JobContext& ctx);

}  // namespace cf::tokenize
