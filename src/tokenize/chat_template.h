// The chat template of cornerforge's VLM (LLaVA-1.5-like, single turn):
//
//   <bos> "USER: " ( <image>xP "\n" ) per image  question " ASSISTANT:" | " " answer <eos>
//
// where <image>xP is P copies of the image token id (one per patch feature the model inserts
// there) and "|" is where the prompt ends: generation starts after prompt_tokens ids. The loss
// mask is 1 on the answer ids and the closing eos, 0 on everything before. Each text segment
// is encoded on its own, so the ids do not depend on what the neighbouring segments contain.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tokenize/vocab.h"

namespace cf::tokenize {

inline constexpr const char* kTemplateText =
    "{bos}USER: ({image}x{image_tokens}\\n per image){question} ASSISTANT:| {answer}{eos}";

using Encoder = std::function<std::vector<int32_t>(const std::string&)>;

struct ChatSample {
  std::vector<int32_t> ids;
  std::vector<uint8_t> loss_mask;  // same length as ids
  int64_t prompt_tokens = 0;       // ids[0, prompt_tokens) are the prompt
  int64_t n_images = 0;
};

// The prompt part only (what generation starts from).
std::vector<int32_t> build_prompt(const Encoder& encode, const SpecialIds& special, int64_t image_tokens,
                                  int64_t n_images, const std::string& question);

// Prompt + answer + eos with its loss mask. Throws std::invalid_argument when bos, eos or the
// image id (with n_images > 0) is missing from `special`.
ChatSample build_chat_sample(const Encoder& encode, const SpecialIds& special, int64_t image_tokens, int64_t n_images,
                             const std::string& question, const std::string& answer);

}  // namespace cf::tokenize
