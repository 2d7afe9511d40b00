// A tokenizer read from an HF tokenizer.json, torch-free and sentencepiece-free (links PCRE2
// and ICU only), giving the ids HF `tokenizers` gives: added tokens split first, then the
// normalizer, the pre-tokenizer, the BPE model and the post-processor (TemplateProcessing,
// ByteLevel, Bert/Roberta, Sequence). Covers byte-level BPE files (GPT-2, LLaMA-3, Qwen2) and
// sentencepiece-converted BPE files (LLaMA-1/2, Mistral). See docs/hf.md "Tokenizers".
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tokenize/hf/added_tokens.h"
#include "tokenize/hf/bpe.h"
#include "tokenize/hf/decoder.h"
#include "tokenize/hf/normalizer.h"
#include "tokenize/hf/pre_tokenizer.h"

namespace cf::tokenize::hf {

class HfTokenizer {
 public:
  // Throws cf::DataError naming the file and the unsupported or malformed part.
  static std::shared_ptr<const HfTokenizer> load(const std::string& tokenizer_json_path);
  // Throws std::invalid_argument / nlohmann::json::exception on a bad document.
  static std::shared_ptr<const HfTokenizer> from_json(const nlohmann::json& j);

  // Throws std::invalid_argument when `text` is not valid UTF-8.
  std::vector<int32_t> encode(const std::string& text, bool add_special_tokens = true) const;
  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens = false) const;

  int32_t token_to_id(const std::string& token) const;  // added tokens first; -1 when absent
  std::string id_to_token(int32_t id) const;            // "" when absent
  bool is_special(int32_t id) const;
  size_t vocab_size() const;  // 1 + the largest id of the model vocab and the added tokens
  const AddedVocabulary& added() const { return added_; }

 private:
  HfTokenizer() = default;
  std::vector<int32_t> apply_post_processor(std::vector<int32_t> ids) const;

  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<Decoder> decoder_;
  BpeModel model_;
  AddedVocabulary added_;
  std::vector<int32_t> prefix_ids_, suffix_ids_;  // post-processor ids around the sequence
};

}  // namespace cf::tokenize::hf
