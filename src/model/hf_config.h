// HF transformers config.json <-> our ModelConfig, for LlamaForCausalLM, MistralForCausalLM,
// Qwen2ForCausalLM and LlavaForConditionalGeneration (CLIP vision tower, LLaMA-family text model).
// Keys a config.json omits take the defaults of the transformers class that would read it
// (save_pretrained writes nested sub-configs as a diff), as transformers 4.46 does.
// Torch-free.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "model/config.h"

namespace cf {

struct HfConfig {
  std::string architecture;     // "LlamaForCausalLM", ..., "LlavaForConditionalGeneration"
  std::string text_model_type;  // "llama", "mistral" or "qwen2"
  std::string torch_dtype;      // "float32", "bfloat16", "float16" ("" when absent)
  nlohmann::json raw;           // config.json as read (kept so a save can update it)
  ModelConfig model;
};

bool is_hf_dir(const std::string& dir);  // has config.json

// Throws ConfigError naming the file and key: unknown architecture, unsupported options
// (rope_scaling, head_dim != hidden/heads, other activations, 'full' patch selection, ...).
HfConfig parse_hf_config(const nlohmann::json& j, const std::string& where);
HfConfig read_hf_config(const std::string& dir);  // dir/config.json

// config.json for `m`: `base` (the config the weights came from, may be null) updated with m's
// shapes and `torch_dtype`; without a base, a fresh one (LLaVA if m has vision, else Qwen2 when
// q/k/v have biases and o_proj none, else LLaMA).
nlohmann::json make_hf_config(const ModelConfig& m, const std::string& torch_dtype, const nlohmann::json& base);

// Our preset TOML (configs/model/*.toml layout) for `m`; load_model_config reads it back.
std::string model_config_toml(const ModelConfig& m);

}  // namespace cf
