// prompts.json: the caption prompts of cf-caption's `model` backend as token ids.
//
// cf-tokenizer (the one process that may load sentencepiece) encodes a fixed set of caption
// questions with the chat template (bos, "USER: ", the image placeholders, the question,
// " ASSISTANT:") and writes them beside vocab.json. cf-caption links LibTorch and OpenCV but
// not sentencepiece, so it prompts the model with these ids and decodes the answers with the
// piece table (vocab.h). Torch-free and sentencepiece-free.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tokenize/chat_template.h"
#include "tokenize/vocab.h"

namespace cf::tokenize {

inline constexpr const char* kCaptionPromptsFile = "prompts.json";

// name -> question of the fixed caption prompts (one image each). "describe" is the question of
// cf-merge's caption samples (default merge.caption_question), "describe_this" and the others
// those of cf-qa's detailed descriptions: in the SFT data, their answers are fine captions.
const std::vector<std::pair<std::string, std::string>>& caption_prompt_questions();

struct CaptionPrompt {
  std::string question;
  std::vector<int32_t> ids;  // the whole prompt; generation starts after the last id
  int64_t n_images = 1;
};

struct CaptionPrompts {
  int64_t image_tokens = 0;      // placeholder ids per image
  std::string tokenizer_sha256;  // the sentencepiece model the ids come from
  std::map<std::string, CaptionPrompt> prompts;
};

// The document cf-tokenizer writes (prompts built with `encode` and the vocab's special ids).
nlohmann::json caption_prompts_json(const Encoder& encode, const Vocab& vocab);

// Parses and checks a prompts document against `vocab`: ids within the table, the first id is
// bos, image placeholders = n_images x image_tokens, the same tokenizer. Throws DataError
// naming `where` and the prompt.
CaptionPrompts parse_caption_prompts(const nlohmann::json& doc, const Vocab& vocab, const std::string& where);

}  // namespace cf::tokenize
