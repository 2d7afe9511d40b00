#include "model/config.h"

#include "core/config.h"
#include "core/error.h"

namespace cf {

int64_t ModelConfig::parameter_count() const {
  const auto& v = vision;
  const int64_t vit_layer =
      4 * (v.hidden * v.hidden + v.hidden) + 2 * 2 * v.hidden + v.hidden * v.mlp + v.mlp + v.mlp * v.hidden + v.hidden;
  const int64_t vit = 3 * v.patch_size * v.patch_size * v.hidden + v.hidden + (v.patches() + 1) * v.hidden +
                      2 * 2 * v.hidden + v.layers * vit_layer;
  const auto& t = text;
  const int64_t proj = v.hidden * t.hidden + t.hidden + t.hidden * t.hidden + t.hidden;
  const int64_t kv = t.kv_heads * t.head_dim();
  const int64_t lm_layer = t.hidden * t.hidden * 2 + 2 * t.hidden * kv + 3 * t.hidden * t.ffn + 2 * t.hidden +
                           (t.qkv_bias ? t.hidden + 2 * kv : 0) + (t.o_bias ? t.hidden : 0) +
                           (t.mlp_bias ? 2 * t.ffn + t.hidden : 0);
  const int64_t lm = t.vocab * t.hidden * (t.tie_embeddings ? 1 : 2) + t.layers * lm_layer + t.hidden;
  return (has_vision ? vit + proj : 0) + lm;
}

ModelConfig load_model_config(const std::string& path) {
  ConfigSchema s;
  ModelConfig d;
  s.add_string("model.name", "", "Preset name");
  s.add_int("model.image_token_id", d.image_token_id, "Token id of image placeholders (-1: none)", -1, 1e9);
  s.add_bool("model.vision", d.has_vision, "Has a vision tower and projector (false: plain causal LM)");
  s.add_int("vision.image_size", d.vision.image_size, "Input side, pixels", 8, 4096);
  s.add_int("vision.patch_size", d.vision.patch_size, "Patch side, pixels", 1, 512);
  s.add_int("vision.hidden", d.vision.hidden, "Width", 8, 1e6);
  s.add_int("vision.layers", d.vision.layers, "Encoder layers", 1, 1000);
  s.add_int("vision.heads", d.vision.heads, "Attention heads", 1, 1024);
  s.add_int("vision.mlp", d.vision.mlp, "MLP width", 8, 1e6);
  s.add_int("vision.feature_layer", d.vision.feature_layer,
            "Layer whose output feeds the projector (negative: from the end)", -1000, 1000);
  s.add_float("vision.norm_eps", d.vision.norm_eps, "LayerNorm epsilon", 0, 1);
  s.add_int("text.vocab", d.text.vocab, "Vocabulary size", 8, 1e7);
  s.add_int("text.hidden", d.text.hidden, "Width", 8, 1e6);
  s.add_int("text.layers", d.text.layers, "Decoder layers", 1, 1000);
  s.add_int("text.heads", d.text.heads, "Query heads", 1, 1024);
  s.add_int("text.kv_heads", d.text.kv_heads, "Key/value heads (GQA)", 1, 1024);
  s.add_int("text.ffn", d.text.ffn, "SwiGLU width", 8, 1e6);
  s.add_int("text.max_positions", d.text.max_positions, "Longest sequence", 8, 1e7);
  s.add_float("text.rope_theta", d.text.rope_theta, "RoPE base", 1, 1e9);
  s.add_float("text.norm_eps", d.text.norm_eps, "RMSNorm epsilon", 0, 1);
  s.add_bool("text.tie_embeddings", d.text.tie_embeddings, "lm_head shares embed_tokens");
  s.add_bool("text.qkv_bias", d.text.qkv_bias, "q/k/v projections have biases (Qwen2, LLaMA attention_bias)");
  s.add_bool("text.o_bias", d.text.o_bias, "o_proj has a bias (LLaMA attention_bias)");
  s.add_int("text.sliding_window", d.text.sliding_window, "Attend to this many most recent keys (Mistral); 0 = all", 0,
            1e9);
  s.add_bool("text.mlp_bias", d.text.mlp_bias, "gate/up/down projections have biases (LLaMA mlp_bias)");
  Config c = Config::load(s, path, {});
  ModelConfig m;
  m.name = c.get_string("model.name");
  m.image_token_id = c.get_int("model.image_token_id");
  m.has_vision = c.get_bool("model.vision");
  auto& v = m.vision;
  v.image_size = c.get_int("vision.image_size");
  v.patch_size = c.get_int("vision.patch_size");
  v.hidden = c.get_int("vision.hidden");
  v.layers = c.get_int("vision.layers");
  v.heads = c.get_int("vision.heads");
  v.mlp = c.get_int("vision.mlp");
  v.feature_layer = c.get_int("vision.feature_layer");
  v.norm_eps = c.get_float("vision.norm_eps");
  auto& t = m.text;
  t.vocab = c.get_int("text.vocab");
  t.hidden = c.get_int("text.hidden");
  t.layers = c.get_int("text.layers");
  t.heads = c.get_int("text.heads");
  t.kv_heads = c.get_int("text.kv_heads");
  t.ffn = c.get_int("text.ffn");
  t.max_positions = c.get_int("text.max_positions");
  t.rope_theta = c.get_float("text.rope_theta");
  t.norm_eps = c.get_float("text.norm_eps");
  t.tie_embeddings = c.get_bool("text.tie_embeddings");
  t.qkv_bias = c.get_bool("text.qkv_bias");
  t.o_bias = c.get_bool("text.o_bias");
  t.mlp_bias = c.get_bool("text.mlp_bias");
  t.sliding_window = c.get_int("text.sliding_window");
  auto bad = [&](const std::string& what) { throw ConfigError(path + ": " + what); };
  if (v.image_size % v.patch_size) bad("vision.image_size must be a multiple of vision.patch_size");
  if (v.hidden % v.heads) bad("vision.hidden must be a multiple of vision.heads");
  if (t.hidden % t.heads) bad("text.hidden must be a multiple of text.heads");
  if (t.heads % t.kv_heads) bad("text.heads must be a multiple of text.kv_heads");
  if (t.head_dim() % 2) bad("text.hidden / text.heads must be even (RoPE)");
  if (m.image_token_id >= t.vocab) bad("model.image_token_id must be < text.vocab");
  return m;
}

}  // namespace cf
