// The VLM's modules (LibTorch), named so that state-dict keys follow HF transformers' LLaVA
// layout: vision_tower.vision_model.*, multi_modal_projector.*, language_model.model.*,
// language_model.lm_head.* (see docs/model.md).
#pragma once
#include <torch/torch.h>

#include "model/config.h"

namespace cf {

// CLIP-style encoder layer: pre-LayerNorm attention and quick-GELU MLP with residuals.
struct ClipLayerImpl : torch::nn::Module {
  explicit ClipLayerImpl(const VisionConfig& c);
  torch::Tensor forward(torch::Tensor x);  // [N, S, D] -> [N, S, D]
  int64_t heads;
  torch::nn::LayerNorm layer_norm1{nullptr}, layer_norm2{nullptr};
  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, out_proj{nullptr};
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(ClipLayer);

// ViT: patch embedding, class token, learned positions, pre-norm, encoder layers.
struct VisionTowerImpl : torch::nn::Module {
  explicit VisionTowerImpl(const VisionConfig& c);
  // images [N, 3, H, W] normalized -> patch features of cfg.feature_layer [N, P, D] (no CLS)
  torch::Tensor forward(torch::Tensor images);
  VisionConfig cfg;
  torch::nn::Conv2d patch_embedding{nullptr};
  torch::Tensor class_embedding;
  torch::nn::Embedding position_embedding{nullptr};
  torch::nn::LayerNorm pre_layrnorm{nullptr}, post_layernorm{nullptr};  // HF spelling
  torch::nn::ModuleList layers;
};
TORCH_MODULE(VisionTower);

struct RMSNormImpl : torch::nn::Module {
  RMSNormImpl(int64_t dim, double eps);
  torch::Tensor forward(torch::Tensor x);  // computed in fp32, returned in x's dtype
  torch::Tensor weight;
  double eps;
};
TORCH_MODULE(RMSNorm);

// Key/value cache of one decoder layer for generation: [B, kv_heads, T_cached, head_dim].
struct KVCache {
  torch::Tensor k, v;
};

struct LlamaLayerImpl : torch::nn::Module {
  explicit LlamaLayerImpl(const LanguageConfig& c);
  // x [B, T, D]; cos/sin [T, head_dim]; mask [B or 1, 1, T, T_total] additive or undefined.
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& cos, const torch::Tensor& sin, const torch::Tensor& mask,
                        KVCache* cache);
  LanguageConfig cfg;
  RMSNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};
  torch::nn::Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};
TORCH_MODULE(LlamaLayer);

// Decoder-only LM: embeddings, RoPE, GQA attention, SwiGLU, RMSNorm, untied or tied head.
struct LanguageModelImpl : torch::nn::Module {
  explicit LanguageModelImpl(const LanguageConfig& c);
  // embeds [B, T, D], positions [T] (absolute, for the cache) -> hidden [B, T, D] (final norm)
  torch::Tensor forward_hidden(torch::Tensor embeds, torch::Tensor positions, const torch::Tensor& pad_mask,
                               std::vector<KVCache>* caches);
  torch::Tensor logits(const torch::Tensor& hidden);  // [B, T, V]
  torch::Tensor embed(const torch::Tensor& ids);      // [B, T] -> [B, T, D]
  LanguageConfig cfg;
  torch::nn::Embedding embed_tokens{nullptr};
  torch::nn::ModuleList layers;
  RMSNorm norm{nullptr};
  torch::nn::Linear lm_head{nullptr};
};
TORCH_MODULE(LanguageModel);

// LLaVA: image placeholder tokens in input_ids are replaced, in order, by projected patches.
struct VlmImpl : torch::nn::Module {
  explicit VlmImpl(const ModelConfig& c);
  // input_ids [B, T] int64; images [N, 3, S, S] (all images of the batch, in order of their
  // placeholders; may be undefined when there are none); pad_mask [B, T] (1 = token) or
  // undefined. Returns final hidden states [B, T, D]; logits via lm().logits(hidden).
  torch::Tensor forward_hidden(const torch::Tensor& input_ids, const torch::Tensor& images,
                               const torch::Tensor& pad_mask = {}, std::vector<KVCache>* caches = nullptr,
                               int64_t start_pos = 0);
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& images);  // logits
  LanguageModel& lm();
  ModelConfig cfg;
  VisionTower vision{nullptr};
  torch::nn::Sequential projector{nullptr};
  LanguageModel language{nullptr};
};
TORCH_MODULE(Vlm);

}  // namespace cf
