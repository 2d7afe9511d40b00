// cf-caption: retrieve shards (+ segment boxes via io.regions, ingest pixels and clip
// membership via io.images, joined by item_id) -> one raw and one fine caption per item.
// Backends: "structured" (built-in: counts, positions and image attributes, refined with the
// retrieved descriptions by a template), "openai" (an OpenAI-compatible server: raw caption
// from the image, then refinement with the descriptions; prompts in configs/prompts/), and
// "model" (our own VLM checkpoint, Model^i of the iterative loop: raw caption generated from
// prompt ids of cf-tokenizer's prompts.json, refined like "structured"; model_caption.h).
#pragma once
#include "job/job.h"

namespace cf::synth {

void declare_caption_config(ConfigSchema& schema);
StageCounts run_caption(JobContext& ctx);
// True when caption.backend is model (job/torch_twin.h).
bool caption_needs_torch(const Config& cfg);

}  // namespace cf::synth
