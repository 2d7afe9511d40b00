// cf-merge: joins qa (io.input), caption (io.caption), retrieve (io.retrieve), segment
// (io.regions) and ingest (io.images) shard by shard and writes the merged dataset of
// docs/stages/dataset.md (OUT/train, OUT/eval), a LLaVA-format export (OUT/llava/{train,eval}.json
// + images) and a stats report (OUT/stats.json, OUT/stats.md). docs/stages/merge.md.
#pragma once
#include "job/job.h"

namespace cf::merge {

void declare_merge_config(ConfigSchema& schema);
StageCounts run_merge(JobContext& ctx);

}  // namespace cf::merge
