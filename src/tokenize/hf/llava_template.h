// LLaVA-1.5's conversation format ("llava_v1" / vicuna_v1) over an HF tokenizer:
//
//   [system " "] "USER: " ("<image>\n" per image) q1 " ASSISTANT: " a1 "</s>" "USER: " q2 ...
//
// The whole conversation is encoded as one text (bos from the tokenizer's post-processor,
// "<image>" and "</s>" matched as added tokens), as transformers does; each image id is then
// repeated image_tokens times (one per patch feature the model inserts). The loss mask is 1 on
// each answer and its closing eos, 0 elsewhere. With an empty system prompt the generation
// prompt is llava-hf's "USER: <image>\n<question> ASSISTANT:".
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tokenize/chat_template.h"
#include "tokenize/hf/hf_tokenizer.h"

namespace cf::tokenize::hf {

struct LlavaTurn {
  std::string question, answer;
};

struct LlavaTemplate {
  std::string system;  // LLaVA's own: "A chat between a curious human and an artificial ..."
  std::string image_token = "<image>";
  std::string eos_token = "</s>";
  int64_t image_tokens = 1;  // 576 for LLaVA-1.5 at 336 px
};

// The conversation text; the last turn's answer is left open ("... ASSISTANT:") when
// `open_last` is true.
std::string llava_text(const LlavaTemplate& t, int64_t n_images, const std::vector<LlavaTurn>& turns, bool open_last);

// Generation prompt for one question. Throws std::invalid_argument when the image token is
// not an added token of `tok`.
std::vector<int32_t> build_llava_prompt(const HfTokenizer& tok, const LlavaTemplate& t, int64_t n_images,
                                        const std::string& question);

// Ids + loss mask of a whole conversation; prompt_tokens = ids before the last answer. Throws
// std::invalid_argument when the image or eos token is not an added token, or when a turn
// boundary falls inside a token (the prefix of the text does not encode to a prefix of ids).
ChatSample build_llava_sample(const HfTokenizer& tok, const LlavaTemplate& t, int64_t n_images,
                              const std::vector<LlavaTurn>& turns);

}  // namespace cf::tokenize::hf
