// Loads and saves HF transformers checkpoints (config.json + model.safetensors or sharded
// model-0000i-of-0000n.safetensors with model.safetensors.index.json) into / from our Vlm.
// Loading builds the model directly in the target dtype and copies each tensor once from the
// memory-mapped files, releasing the mapped pages after each tensor, so the process holds about
// one copy of the weights. Everything is validated before the first copy: a missing, unexpected
// or mis-shaped tensor is an error naming it and nothing is loaded.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "model/hf_config.h"
#include "model/hf_files.h"
#include "model/modules.h"

namespace cf {

// The model with its parameters allocated, uninitialized, in `dtype` (kFloat, kBFloat16 or kHalf),
// for loading weights into (hf_skeleton.cpp).
Vlm make_vlm(const ModelConfig& m, torch::ScalarType dtype);

// "auto" (the checkpoint's torch_dtype), "fp32", "bf16", "fp16" -> dtype (Undefined for auto).
torch::ScalarType parse_dtype(const std::string& name);
std::string hf_dtype_name(torch::ScalarType t);        // "float32", "bfloat16", "float16"
torch::ScalarType weight_dtype(const TensorBytes& t);  // BF16/F16/F32/F64; DataError naming t otherwise

struct HfModel {
  HfConfig config;
  Vlm model{nullptr};
};

// dtype Undefined = config.json's torch_dtype (else the first tensor's dtype).
HfModel load_hf_checkpoint(const std::string& dir, torch::ScalarType dtype = torch::ScalarType::Undefined);

// Copies the files' tensors into `model` (llava: LLaVA key layout, else a causal LM's).
void load_hf_weights(Vlm& model, const HfTensorFiles& files, const std::string& dir);

struct HfSaveOptions {
  torch::ScalarType dtype = torch::ScalarType::Undefined;  // Undefined: the parameters' dtype
  int64_t max_shard_bytes = 5'000'000'000;                 // as save_pretrained's default "5GB"
};

// Writes config.json (`base` updated with the model's shapes, see make_hf_config) and the weights.
// Replaces model*.safetensors and model.safetensors.index.json already in `dir`.
void save_hf_checkpoint(Vlm& model, const std::string& dir, const nlohmann::json& base, const HfSaveOptions& o);

}  // namespace cf
