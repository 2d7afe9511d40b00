// HF tokenizer.json normalizers: Sequence, Prepend, Replace (String or Regex pattern),
// NFC / NFD / NFKC / NFKD and Lowercase (through ICU), Strip. Others are rejected by name.
#pragma once
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace cf::tokenize::hf {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(std::string& text) const = 0;
};

// nullptr for a JSON null. Throws std::invalid_argument naming an unsupported "type".
std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& j);

}  // namespace cf::tokenize::hf
