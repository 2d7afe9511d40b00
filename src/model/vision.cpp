#include "model/modules.h"

namespace cf {

namespace nn = torch::nn;

ClipLayerImpl::ClipLayerImpl(const VisionConfig& c) : heads(c.heads) {
  auto ln = [&](int64_t d) { return nn::LayerNorm(nn::LayerNormOptions({d}).eps(c.norm_eps)); };
  layer_norm1 = register_module("layer_norm1", ln(c.hidden));
  q_proj = register_module("q_proj", nn::Linear(c.hidden, c.hidden));
  k_proj = register_module("k_proj", nn::Linear(c.hidden, c.hidden));
  v_proj = register_module("v_proj", nn::Linear(c.hidden, c.hidden));
  out_proj = register_module("out_proj", nn::Linear(c.hidden, c.hidden));
  layer_norm2 = register_module("layer_norm2", ln(c.hidden));
  fc1 = register_module("fc1", nn::Linear(c.hidden, c.mlp));
  fc2 = register_module("fc2", nn::Linear(c.mlp, c.hidden));
}

torch::Tensor ClipLayerImpl::forward(torch::Tensor x) {
  const int64_t n = x.size(0), s = x.size(1), d = x.size(2), hd = d / heads;
  auto h = layer_norm1(x);
  auto split = [&](const torch::Tensor& t) { return t.view({n, s, heads, hd}).transpose(1, 2); };
  auto q = split(q_proj(h)), k = split(k_proj(h)), v = split(v_proj(h));  // [N, H, S, hd]
  auto att = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(hd)));
  att = torch::softmax(att, -1, torch::kFloat).to(v.scalar_type());
  auto o = torch::matmul(att, v).transpose(1, 2).reshape({n, s, d});
  x = x + out_proj(o);
  h = fc1(layer_norm2(x));
  h = h * torch::sigmoid(1.702 * h);  // quick_gelu, as CLIP
  return x + fc2(h);
}

VisionTowerImpl::VisionTowerImpl(const VisionConfig& c) : cfg(c) {
  patch_embedding = register_module(
      "patch_embedding", nn::Conv2d(nn::Conv2dOptions(3, c.hidden, c.patch_size).stride(c.patch_size).bias(false)));
  class_embedding = register_parameter("class_embedding", torch::randn({c.hidden}) * 0.02);
  position_embedding = register_module("position_embedding", nn::Embedding(c.patches() + 1, c.hidden));
  pre_layrnorm = register_module("pre_layrnorm", nn::LayerNorm(nn::LayerNormOptions({c.hidden}).eps(c.norm_eps)));
  layers = register_module("layers", nn::ModuleList());
  for (int64_t i = 0; i < c.layers; ++i) layers->push_back(ClipLayer(c));
  post_layernorm = register_module("post_layernorm", nn::LayerNorm(nn::LayerNormOptions({c.hidden}).eps(c.norm_eps)));
}

torch::Tensor VisionTowerImpl::forward(torch::Tensor images) {
  auto x = patch_embedding(images.to(patch_embedding->weight.scalar_type()));  // [N, D, g, g]
  x = x.flatten(2).transpose(1, 2);                                            // [N, P, D]
  auto cls = class_embedding.view({1, 1, -1}).expand({x.size(0), 1, -1});
  x = torch::cat({cls, x}, 1) + position_embedding->weight.unsqueeze(0);  // [N, P+1, D]
  x = pre_layrnorm(x);
  // HF hidden_states[i] is the input of layer i (hidden_states[0] = embeddings); LLaVA takes
  // hidden_states[feature_layer], so -2 means the output of layer L-2, i.e. input of layer L-1.
  const int64_t n_layers = static_cast<int64_t>(layers->size());
  const int64_t stop = cfg.feature_layer < 0 ? n_layers + 1 + cfg.feature_layer : cfg.feature_layer;
  for (int64_t i = 0; i < stop; ++i) x = layers[i]->as<ClipLayer>()->forward(x);
  return x.slice(1, 1);  // drop CLS: [N, P, D]
}

}  // namespace cf
