#include "kernels/rms_norm/rms_norm.h"
#include "kernels/rope/rope.h"
#include "kernels/swiglu/swiglu.h"
#include "model/modules.h"

namespace cf {

namespace nn = torch::nn;

RMSNormImpl::RMSNormImpl(int64_t dim, double e) : eps(e) { weight = register_parameter("weight", torch::ones({dim})); }

torch::Tensor RMSNormImpl::forward(torch::Tensor x) { return kernels::fused_rms_norm(x, weight, eps); }

LlamaLayerImpl::LlamaLayerImpl(const LanguageConfig& c) : cfg(c) {
  const int64_t kv = c.kv_heads * c.head_dim();
  input_layernorm = register_module("input_layernorm", RMSNorm(c.hidden, c.norm_eps));
  auto lin = [](int64_t in, int64_t out, bool bias) { return nn::Linear(nn::LinearOptions(in, out).bias(bias)); };
  q_proj = register_module("q_proj", lin(c.hidden, c.hidden, c.qkv_bias));
  k_proj = register_module("k_proj", lin(c.hidden, kv, c.qkv_bias));
  v_proj = register_module("v_proj", lin(c.hidden, kv, c.qkv_bias));
  o_proj = register_module("o_proj", lin(c.hidden, c.hidden, c.o_bias));
  post_attention_layernorm = register_module("post_attention_layernorm", RMSNorm(c.hidden, c.norm_eps));
  gate_proj = register_module("gate_proj", lin(c.hidden, c.ffn, c.mlp_bias));
  up_proj = register_module("up_proj", lin(c.hidden, c.ffn, c.mlp_bias));
  down_proj = register_module("down_proj", lin(c.ffn, c.hidden, c.mlp_bias));
}

torch::Tensor LlamaLayerImpl::forward(torch::Tensor x, const torch::Tensor& cos, const torch::Tensor& sin,
                                      const torch::Tensor& mask, KVCache* cache) {
  const int64_t b = x.size(0), t = x.size(1), hd = cfg.head_dim();
  auto h = input_layernorm(x);
  auto q = kernels::fused_rope(q_proj(h).view({b, t, cfg.heads, hd}), cos, sin);     // [B, H, T, hd]
  auto k = kernels::fused_rope(k_proj(h).view({b, t, cfg.kv_heads, hd}), cos, sin);  // [B, KV, T, hd]
  auto v = v_proj(h).view({b, t, cfg.kv_heads, hd}).transpose(1, 2);
  if (cache) {
    if (cache->k.defined()) {
      k = torch::cat({cache->k, k}, 2);
      v = torch::cat({cache->v, v}, 2);
    }
    cache->k = k;
    cache->v = v;
  }
  // GQA without repeating K/V: the `rep` query heads of a KV head are stacked along the rows,
  // [B, KV, rep * T, hd] x [B, KV, hd, T_total], and the scores viewed back as [B, H, T, T_total].
  const int64_t rep = cfg.heads / cfg.kv_heads, tk = k.size(2);
  auto att = torch::matmul(q.reshape({b, cfg.kv_heads, rep * t, hd}), k.transpose(-2, -1)).view({b, cfg.heads, t, tk}) *
             (1.0 / std::sqrt(static_cast<double>(hd)));
  if (mask.defined()) att = att + mask;
  att = torch::softmax(att, -1, torch::kFloat).to(v.scalar_type());
  auto o = torch::matmul(att.view({b, cfg.kv_heads, rep * t, tk}), v).view({b, cfg.heads, t, hd});
  o = o.transpose(1, 2).reshape({b, t, cfg.hidden});
  x = x + o_proj(o);
  h = post_attention_layernorm(x);
  return x + down_proj(kernels::fused_swiglu(gate_proj(h), up_proj(h)));
}

LanguageModelImpl::LanguageModelImpl(const LanguageConfig& c) : cfg(c) {
  embed_tokens = register_module("embed_tokens", nn::Embedding(c.vocab, c.hidden));
  layers = register_module("layers", nn::ModuleList());
  for (int64_t i = 0; i < c.layers; ++i) layers->push_back(LlamaLayer(c));
  norm = register_module("norm", RMSNorm(c.hidden, c.norm_eps));
  if (!c.tie_embeddings)
    lm_head = register_module("lm_head", nn::Linear(nn::LinearOptions(c.hidden, c.vocab).bias(false)));
}

torch::Tensor LanguageModelImpl::embed(const torch::Tensor& ids) { return embed_tokens(ids); }

torch::Tensor LanguageModelImpl::forward_hidden(torch::Tensor x, torch::Tensor positions, const torch::Tensor& pad_mask,
                                                std::vector<KVCache>* caches) {
  const int64_t t = x.size(1);
  const int64_t past = caches && !caches->empty() && (*caches)[0].k.defined() ? (*caches)[0].k.size(2) : 0;
  auto [cos, sin] = kernels::rope_tables(positions, cfg.head_dim(), cfg.rope_theta);  // [T, hd] each
  // Causal mask over cached + new tokens, plus padding (pad_mask covers all T_total keys).
  torch::Tensor mask;
  if (t > 1 || pad_mask.defined() || cfg.sliding_window > 0) {
    auto q_pos = torch::arange(past, past + t).view({t, 1});
    auto k_pos = torch::arange(0, past + t).view({1, past + t});
    auto allowed = k_pos <= q_pos;
    if (cfg.sliding_window > 0) allowed = allowed & (k_pos > q_pos - cfg.sliding_window);  // as HF Mistral
    allowed = allowed.view({1, 1, t, past + t});
    if (pad_mask.defined()) allowed = allowed & pad_mask.to(torch::kBool).view({pad_mask.size(0), 1, 1, -1});
    mask = torch::zeros(allowed.sizes(), x.options()).masked_fill(allowed.logical_not(), -1e9);  // once, in x's dtype
  }
  if (caches && caches->empty()) caches->resize(layers->size());
  for (size_t i = 0; i < layers->size(); ++i)
    x = layers[i]->as<LlamaLayer>()->forward(x, cos, sin, mask, caches ? &(*caches)[i] : nullptr);
  return norm(x);
}

torch::Tensor LanguageModelImpl::logits(const torch::Tensor& hidden) {
  return cfg.tie_embeddings ? torch::matmul(hidden, embed_tokens->weight.t()) : lm_head(hidden);
}

}  // namespace cf
