// Batched answers of the model to tokenized prompts (KV-cache generation, model/generate.h).
// Samples are cut into batches of `batch` in the given order; batch b samples with seed
// mix(seed, b), so answers depend only on the inputs, the settings and the seed, never on the
// rank that runs them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/generate.h"
#include "model/modules.h"
#include "train/token_data.h"

namespace cf::infer {

struct AnswerSettings {
  GenerateOptions options;  // max_new_tokens, temperature, top_p, stop_tokens, pad_token
  int64_t batch = 8;
  int32_t eos = 4;  // appended when generation stops at max_new_tokens
  torch::ScalarType dtype = torch::kBFloat16;
};

struct Answers {
  std::vector<std::vector<int32_t>> ids;  // per sample: the answer, ending with eos
  std::vector<std::string> errors;        // per sample: empty, or why it has no answer
};

// prompt of sample i = samples[i]->ids[:prompt_tokens]; its images are decoded per sample (an
// undecodable image fails that sample only).
Answers generate_answers(Vlm& model, const std::vector<const TokenSample*>& samples, const AnswerSettings& s,
                         uint64_t seed);

// Images of one sample as a model input [N, 3, S, S] in `dtype` (undefined when N == 0).
torch::Tensor sample_images(const std::vector<std::string>& jpegs, int64_t size, torch::ScalarType dtype);

}  // namespace cf::infer
