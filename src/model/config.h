// Shape of a LLaVA-style VLM: CLIP-like ViT, two-layer GELU projector, LLaMA-like decoder.
// Torch-free, so data loaders and planners can read it cheaply. Presets: configs/model/*.toml.
#pragma once
#include <cstdint>
#include <string>

namespace cf {

struct VisionConfig {
  int64_t image_size = 64, patch_size = 8, hidden = 128, layers = 2, heads = 4, mlp = 512;
  int64_t feature_layer = -2;  // LLaVA takes the penultimate layer's patch features (no CLS)
  double norm_eps = 1e-5;
  int64_t patches() const { return (image_size / patch_size) * (image_size / patch_size); }
};

struct LanguageConfig {
  int64_t vocab = 2048, hidden = 256, layers = 4, heads = 8, kv_heads = 2, ffn = 688;
  int64_t max_positions = 2048;
  double rope_theta = 10000.0, norm_eps = 1e-5;
  bool tie_embeddings = false;
  // Biases (HF: Qwen2 has q/k/v biases; LLaMA's attention_bias = q/k/v/o, mlp_bias = gate/up/down).
  bool qkv_bias = false, o_bias = false, mlp_bias = false;
  int64_t sliding_window = 0;  // > 0: a token attends to the last `sliding_window` keys (Mistral)
  int64_t head_dim() const { return hidden / heads; }
};

struct ModelConfig {
  std::string name = "tiny";
  VisionConfig vision;
  LanguageConfig text;
  int64_t image_token_id = 3;       // placeholder id, repeated vision.patches() times per image
  bool has_vision = true;           // false: a plain causal LM (no vision tower, no projector)
  int64_t parameter_count() const;  // exact, from the shapes
};

// Reads a preset TOML ([vision], [text], [model] sections). Throws ConfigError with file and key.
ModelConfig load_model_config(const std::string& path);

}  // namespace cf
