#include "model/modules.h"

#include "core/error.h"

namespace cf {

namespace nn = torch::nn;

VlmImpl::VlmImpl(const ModelConfig& c) : cfg(c) {
  if (c.has_vision) {
    vision = register_module("vision_tower", VisionTower(c.vision));
    projector =
        register_module("multi_modal_projector", nn::Sequential(nn::Linear(c.vision.hidden, c.text.hidden), nn::GELU(),
                                                                nn::Linear(c.text.hidden, c.text.hidden)));
  }
  language = register_module("language_model", LanguageModel(c.text));
}

LanguageModel& VlmImpl::lm() { return language; }

torch::Tensor VlmImpl::forward_hidden(const torch::Tensor& input_ids, const torch::Tensor& images,
                                      const torch::Tensor& pad_mask, std::vector<KVCache>* caches, int64_t start_pos) {
  auto embeds = language->embed(input_ids);  // [B, T, D]
  auto is_image = input_ids.eq(cfg.image_token_id);
  const int64_t n_slots = cfg.has_vision ? is_image.sum().item<int64_t>() : 0;
  if (n_slots > 0) {
    if (!images.defined()) throw Error("input has image placeholders but no images were given");
    auto feats = projector->forward(vision->forward(images)).to(embeds.scalar_type());  // [N, P, D]
    feats = feats.reshape({-1, embeds.size(2)});
    if (feats.size(0) != n_slots)
      throw Error("input has " + std::to_string(n_slots) + " image placeholder tokens but the images give " +
                  std::to_string(feats.size(0)) + " patch features");
    embeds = embeds.masked_scatter(is_image.unsqueeze(-1), feats);  // row-major order = placeholder order
  } else if (cfg.has_vision && images.defined() && torch::GradMode::is_enabled()) {
    // No placeholders but an image was given (the trainer's blank filler): run the vision path
    // with zero weight so every rank's autograd graph, and so its gradient buckets, match.
    embeds = embeds + 0.0 * projector->forward(vision->forward(images)).sum().to(embeds.scalar_type());
  }
  auto positions = torch::arange(start_pos, start_pos + input_ids.size(1));
  return language->forward_hidden(embeds, positions, pad_mask, caches);
}

torch::Tensor VlmImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& images) {
  return language->logits(forward_hidden(input_ids, images));
}

}  // namespace cf
