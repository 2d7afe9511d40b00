// Sentencepiece, wrapped: training with pinned special ids, encoding, and the piece table.
//
// Only cf_tokenize (cf-tokenizer and its tests) links sentencepiece: Debian's build exports an
// embedded protobuf that crashes any process that also loads LibTorch or OpenCV dnn. This header
// does not include sentencepiece, so including it costs nothing.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tokenize/vocab.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace cf::tokenize {

inline constexpr const char* kImagePiece = "<image>";
inline constexpr int32_t kMetaPieces = 5;  // pad, unk, bos, eos, <image>: ids 0..4

struct SpmTrainOptions {
  std::string model_type = "bpe";  // "bpe" or "unigram"
  int64_t vocab_size = 2048;       // upper bound: a small text yields fewer pieces
  int32_t image_id = 3;            // id of the <image> control piece, in [0, kMetaPieces)
  double character_coverage = 1.0;
};

// pad, unk, bos, eos take the ids 0..4 other than image_id, in that order.
SpecialIds pinned_ids(int32_t image_id);

// Trains a model on `sentences` (byte fallback, digits split, identity normalization, no dummy
// prefix, whitespace kept: decode(encode(s)) == s for any UTF-8 s). Deterministic for the same
// sentences and options. Returns the serialized model (tokenizer.model). Throws cf::Error.
std::string train_spm(const std::vector<std::string>& sentences, const SpmTrainOptions& options);

class SpmModel {
 public:
  // `what` names the source in error messages (a path).
  static SpmModel from_bytes(const std::string& serialized, const std::string& what);
  static SpmModel load(const std::string& path);

  std::vector<int32_t> encode(const std::string& text) const;  // thread-safe
  std::string decode(const std::vector<int32_t>& ids) const;   // sentencepiece's own decode
  size_t size() const;

  // The piece table with types and special ids; image = the id of the "<image>" piece, which
  // must be a control or user-defined piece, else cf::ConfigError naming `what`.
  Vocab vocab() const;

 private:
  std::shared_ptr<sentencepiece::SentencePieceProcessor> sp_;
  std::string what_;
};

}  // namespace cf::tokenize
