// make_vlm: the model with uninitialized parameters of the right shapes and dtype, built without
// LibTorch's random initialization (which costs seconds per GB; a checkpoint overwrites every
// parameter anyway). The modules are constructed at minimal widths, then each parameter gets its
// real shape from parameter_shapes() and the modules their real configs back.
#include <map>

#include "core/error.h"
#include "model/hf_checkpoint.h"

namespace cf {
namespace {

using Shapes = std::map<std::string, std::vector<int64_t>>;

// Our parameter names and shapes for config m (model/modules.h).
Shapes parameter_shapes(const ModelConfig& m) {
  Shapes s;
  if (m.has_vision) {
    const auto& v = m.vision;
    const int64_t d = v.hidden, t = m.text.hidden;
    const std::string vt = "vision_tower.";
    s[vt + "patch_embedding.weight"] = {d, 3, v.patch_size, v.patch_size};
    s[vt + "class_embedding"] = {d};
    s[vt + "position_embedding.weight"] = {v.patches() + 1, d};
    for (const char* ln : {"pre_layrnorm.", "post_layernorm."}) s[vt + ln + "weight"] = s[vt + ln + "bias"] = {d};
    for (int64_t i = 0; i < v.layers; ++i) {
      const std::string p = vt + "layers." + std::to_string(i) + ".";
      for (const char* ln : {"layer_norm1.", "layer_norm2."}) s[p + ln + "weight"] = s[p + ln + "bias"] = {d};
      for (const char* proj : {"q_proj.", "k_proj.", "v_proj.", "out_proj."}) {
        s[p + proj + "weight"] = {d, d};
        s[p + proj + "bias"] = {d};
      }
      s[p + "fc1.weight"] = {v.mlp, d};
      s[p + "fc1.bias"] = {v.mlp};
      s[p + "fc2.weight"] = {d, v.mlp};
      s[p + "fc2.bias"] = {d};
    }
    s["multi_modal_projector.0.weight"] = {t, d};
    s["multi_modal_projector.2.weight"] = {t, t};
    s["multi_modal_projector.0.bias"] = s["multi_modal_projector.2.bias"] = {t};
  }
  const auto& t = m.text;
  const int64_t d = t.hidden, kv = t.kv_heads * t.head_dim();
  s["language_model.embed_tokens.weight"] = {t.vocab, d};
  s["language_model.norm.weight"] = {d};
  if (!t.tie_embeddings) s["language_model.lm_head.weight"] = {t.vocab, d};
  for (int64_t i = 0; i < t.layers; ++i) {
    const std::string p = "language_model.layers." + std::to_string(i) + ".";
    auto lin = [&](const std::string& name, int64_t out, int64_t in, bool bias) {
      s[p + name + ".weight"] = {out, in};
      if (bias) s[p + name + ".bias"] = {out};
    };
    s[p + "input_layernorm.weight"] = s[p + "post_attention_layernorm.weight"] = {d};
    lin("q_proj", d, d, t.qkv_bias);
    lin("k_proj", kv, d, t.qkv_bias);
    lin("v_proj", kv, d, t.qkv_bias);
    lin("o_proj", d, d, t.o_bias);
    lin("gate_proj", t.ffn, d, t.mlp_bias);
    lin("up_proj", t.ffn, d, t.mlp_bias);
    lin("down_proj", d, t.ffn, t.mlp_bias);
  }
  return s;
}

// The same module tree at minimal widths (same layer counts, heads and biases).
ModelConfig minimal(const ModelConfig& m) {
  ModelConfig s = m;
  s.vision.hidden = m.vision.heads;
  s.vision.mlp = 1;
  s.vision.image_size = m.vision.patch_size;
  s.text.hidden = 2 * m.text.heads;
  s.text.ffn = 1;
  s.text.vocab = 1;
  return s;
}

void set_layer_norm(torch::nn::LayerNorm& ln, int64_t d) { ln->options.normalized_shape(std::vector<int64_t>{d}); }

}  // namespace

Vlm make_vlm(const ModelConfig& m, torch::ScalarType dtype) {
  Vlm v(minimal(m));
  const Shapes shapes = parameter_shapes(m);
  torch::NoGradGuard no_grad;
  size_t n = 0;
  for (auto& p : v->named_parameters()) {
    auto it = shapes.find(p.key());
    if (it == shapes.end()) throw Error("make_vlm: no shape for parameter '" + p.key() + "' (update hf_skeleton.cpp)");
    p.value().set_data(torch::empty(it->second, torch::TensorOptions().dtype(dtype)));
    ++n;
  }
  if (n != shapes.size()) throw Error("make_vlm: hf_skeleton.cpp lists parameters the model does not have");
  v->cfg = m;
  v->language->cfg = m.text;
  for (auto& layer : *v->language->layers) layer->as<LlamaLayer>()->cfg = m.text;
  if (m.has_vision) {
    v->vision->cfg = m.vision;
    set_layer_norm(v->vision->pre_layrnorm, m.vision.hidden);
    set_layer_norm(v->vision->post_layernorm, m.vision.hidden);
    for (auto& layer : *v->vision->layers) {
      auto* l = layer->as<ClipLayer>();
      set_layer_norm(l->layer_norm1, m.vision.hidden);
      set_layer_norm(l->layer_norm2, m.vision.hidden);
    }
  }
  return v;
}

}  // namespace cf
