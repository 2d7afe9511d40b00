// The piece table of a sentencepiece tokenizer, read from vocab.json (written by cf-tokenizer).
//
// Torch-free and sentencepiece-free on purpose: Debian's sentencepiece cannot share a process
// with LibTorch or OpenCV dnn (protobuf clash), so a training or generation process decodes
// ids with this table instead. decode() follows sentencepiece's conventions: "▁" (U+2581) is
// a space, <0xNN> byte pieces are raw bytes (invalid UTF-8 runs become U+FFFD, one per byte),
// control pieces (pad, bos, eos, <image>) decode to nothing, the unknown piece to " ⁇ ".
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cf::tokenize {

enum class PieceType { Normal, Unknown, Control, UserDefined, Byte, Unused };
const char* to_string(PieceType t);
PieceType piece_type_from_string(const std::string& s);  // throws std::invalid_argument

// Ids with a fixed role. -1 = the model has none (e.g. a user model without pad).
struct SpecialIds {
  int32_t pad = -1, unk = -1, bos = -1, eos = -1, image = -1;
};

class Vocab {
 public:
  Vocab() = default;
  Vocab(std::vector<std::string> pieces, std::vector<PieceType> types, SpecialIds special);

  static Vocab load(const std::string& path);       // vocab.json; throws DataError naming the file
  static Vocab from_json(const nlohmann::json& j);  // throws std::exception on a bad document
  nlohmann::json to_json() const;

  size_t size() const { return pieces_.size(); }
  const std::string& piece(int32_t id) const;
  PieceType type(int32_t id) const;
  const SpecialIds& special() const { return special_; }

  // Settings stored next to the pieces (see docs/stages/tokenizer.md).
  int64_t image_tokens_per_image = 0;              // P: image ids per image in a sample
  bool strip_leading_space = false;                // sentencepiece drops the first "▁" (add_dummy_prefix)
  std::string template_text;                       // the chat template, for humans
  nlohmann::json info = nlohmann::json::object();  // provenance: source, model sha256, ...

  // Text of `ids`; throws std::out_of_range naming an id outside [0, size()).
  std::string decode(const std::vector<int32_t>& ids) const;

 private:
  std::vector<std::string> pieces_;
  std::vector<PieceType> types_;
  SpecialIds special_;
};

}  // namespace cf::tokenize
