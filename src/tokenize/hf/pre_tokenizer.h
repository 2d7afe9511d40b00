// HF tokenizer.json pre-tokenizers: Sequence, Split (String or Regex pattern, any behavior,
// invert), ByteLevel (GPT-2 pattern, add_prefix_space, byte->char mapping), Metaspace
// (replacement, prepend_scheme always/first/never, split), Digits, Whitespace, WhitespaceSplit.
// Others are rejected by name.
#pragma once
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "tokenize/hf/split.h"

namespace cf::tokenize::hf {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Splits / rewrites the pieces that are not added tokens yet.
  virtual void apply(std::vector<Piece>& pieces) const = 0;
};

// nullptr for a JSON null. Throws std::invalid_argument naming an unsupported "type".
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& j);

// The pattern GPT-2's ByteLevel pre-tokenizer splits with when use_regex is true.
extern const char* const kGpt2Pattern;

}  // namespace cf::tokenize::hf
