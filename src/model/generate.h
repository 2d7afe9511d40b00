// Autoregressive generation with a KV cache: greedy, temperature and top-p sampling, stop
// tokens, batched prompts (left-padded internally). The image placeholder id is never generated
// (there would be no image for it).
#pragma once
#include <cstdint>
#include <vector>

#include "model/modules.h"

namespace cf {

struct GenerateOptions {
  int64_t max_new_tokens = 64;
  double temperature = 0.0;  // 0 = greedy
  double top_p = 1.0;
  std::vector<int64_t> stop_tokens;      // generation of a sequence ends after one of these
  std::vector<int64_t> suppress_tokens;  // never generated (the image placeholder always is)
  int64_t vocab_limit = 0;               // > 0: ids >= this are never generated (tokenizer smaller than the model)
  int64_t pad_token = 0;
  uint64_t seed = 0;
};

// prompts: token ids per sequence (image placeholders included); images: all images of all
// prompts in order (or undefined). Returns the new tokens of each sequence (stop token included).
std::vector<std::vector<int64_t>> generate(Vlm& model, const std::vector<std::vector<int64_t>>& prompts,
                                           const torch::Tensor& images, const GenerateOptions& o);

}  // namespace cf
