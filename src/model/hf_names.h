// Tensor names: our module paths (model/modules.h) <-> HF transformers state-dict keys.
// LLaVA (transformers 4.46 layout): vision_tower.vision_model.{embeddings.,encoder.layers.i.
// {self_attn.,mlp.,},}X, multi_modal_projector.linear_{1,2}.X, language_model.model.X,
// language_model.lm_head.X. Causal LMs: model.X, lm_head.X. Torch-free.
#pragma once
#include <string>
#include <vector>

namespace cf {

// The key transformers 4.46 writes for our parameter `ours` (llava: a LLaVA checkpoint).
std::string hf_name(const std::string& ours, bool llava);
// Further keys accepted when reading (the transformers >= 4.52 LLaVA layout: model.vision_tower.*,
// model.multi_modal_projector.*, model.language_model.*, lm_head.*).
std::vector<std::string> hf_name_aliases(const std::string& ours, bool llava);
// Non-parameter tensors some checkpoints carry and transformers ignores (rotary inv_freq,
// CLIP position_ids); with tied embeddings also the redundant lm_head.
bool hf_ignored(const std::string& hf, bool tied);

}  // namespace cf
