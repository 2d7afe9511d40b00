// cf-qa: caption shards (+ retrieve regions via io.retrieve, joined by item_id) -> QA pairs
// (table "qa") and, for each video clip, one Cosmos-schema annotation (items.annotation on the
// clip's first frame). Backends: "builtin" (templated self-instruct generator, closed questions
// with exact answers, built-in annotation) and "openai" (open questions and annotations from an
// OpenAI-compatible server, validated and repaired; closed questions stay built-in).
#pragma once
#include "job/job.h"

namespace cf::synth {

void declare_qa_config(ConfigSchema& schema);
StageCounts run_qa(JobContext& ctx);

}  // namespace cf::synth
