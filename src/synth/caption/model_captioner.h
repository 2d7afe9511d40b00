// The LibTorch half of cf-caption's `model` backend (library cf_synth_caption_model): loads
// caption.model with model.preset, checks it against caption.tokenizer's prompt, and captions
// images with batched KV-cache generation (infer/answer_batch.h, as cf-generate).
// An executable that links this library registers it:
//   cf::synth::register_model_captioner(cf::synth::make_vlm_captioner);
#pragma once
#include <memory>

#include "synth/caption/model_caption.h"

namespace cf::synth {

// Throws ConfigError naming the key (caption.model, model.preset, caption.tokenizer, ...)
// when the checkpoint, the preset and the tokenizer do not fit together.
std::unique_ptr<ModelCaptioner> make_vlm_captioner(const Config& c, int threads, int local_rank = 0,
                                                   int local_size = 1);

}  // namespace cf::synth
