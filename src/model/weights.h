// Model weights as safetensors: every parameter under its module path (docs/model.md maps the
// names to HF transformers' LLaVA keys). Loading checks for missing and unexpected tensors.
#pragma once
#include <string>

#include "model/modules.h"

namespace cf {

// Writes all parameters in their current dtype; metadata records the preset name.
void save_weights(Vlm& model, const std::string& path);
// Copies tensors into the model's parameters (converting dtype). Throws DataError naming
// missing, unexpected or mis-shaped tensors.
void load_weights(Vlm& model, const std::string& path);

}  // namespace cf
