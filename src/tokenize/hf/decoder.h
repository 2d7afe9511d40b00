// HF tokenizer.json decoders: Sequence, ByteLevel, Metaspace, Replace, ByteFallback, Fuse,
// Strip. Each rewrites the list of token strings like tokenizers' decode_chain; the text is
// their concatenation. Others are rejected by name.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cf::tokenize::hf {

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual std::vector<std::string> decode_chain(std::vector<std::string> tokens) const = 0;
};

// nullptr for a JSON null. Throws std::invalid_argument naming an unsupported "type".
std::unique_ptr<Decoder> make_decoder(const nlohmann::json& j);

}  // namespace cf::tokenize::hf
