#include "train/batch.h"

#include <algorithm>

#include "kernels/token_logprobs/token_logprobs.h"
#include "media/model_input.h"

namespace cf {

Batch collate(const std::vector<TokenSample>& samples, int64_t image_size, int64_t pad_id) {
  Batch b;
  const int64_t n = static_cast<int64_t>(samples.size());
  int64_t longest = 2;
  for (const auto& s : samples) longest = std::max<int64_t>(longest, static_cast<int64_t>(s.ids.size()));
  b.input_ids = torch::full({n, longest}, pad_id, torch::kLong);
  auto mask = torch::zeros({n, longest}, torch::kFloat);
  std::vector<float> pixels;
  int64_t n_images = 0;
  for (int64_t i = 0; i < n; ++i) {
    const auto& s = samples[static_cast<size_t>(i)];
    auto ids = b.input_ids[i];
    auto m = mask[i];
    for (size_t t = 0; t < s.ids.size(); ++t) {
      ids[static_cast<int64_t>(t)] = static_cast<int64_t>(s.ids[t]);
      m[static_cast<int64_t>(t)] = static_cast<float>(s.loss_mask[t]);
    }
    b.tokens += static_cast<int64_t>(s.ids.size());
    for (const auto& jpeg : s.images) {
      auto px = media::jpeg_to_model_input(jpeg, static_cast<int>(image_size));
      pixels.insert(pixels.end(), px.begin(), px.end());
      ++n_images;
    }
  }
  if (n_images == 0) {
    b.blank_image = true;
    b.images = torch::zeros({1, 3, image_size, image_size});
  } else {
    b.images = torch::from_blob(pixels.data(), {n_images, 3, image_size, image_size}, torch::kFloat).clone();
  }
  b.targets = b.input_ids.slice(1, 1);
  b.weights = mask.slice(1, 1).contiguous();
  b.loss_tokens = static_cast<int64_t>(b.weights.sum().item<float>());
  return b;
}

torch::Tensor token_nll_sum(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& weights) {
  // Fused op (kernels/token_logprobs): online log-sum-exp over vocabulary chunks, no [B, T-1, V]
  // fp32 copy; the backward writes d/dlogits into the logits buffer (logits = hidden @ W^T, which
  // nothing else reads). One thread per row in a fixed order: independent of the thread count.
  return kernels::token_nll_sum(logits, targets, weights);
}

}  // namespace cf
