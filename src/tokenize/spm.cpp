#include "tokenize/spm.h"

#include <fstream>
#include <sstream>
#include <unordered_map>

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include "core/error.h"

namespace cf::tokenize {
namespace {

class VectorIterator : public sentencepiece::SentenceIterator {
 public:
  explicit VectorIterator(const std::vector<std::string>& v) : v_(v) {}
  bool done() const override { return i_ >= v_.size(); }
  void Next() override { ++i_; }
  const std::string& value() const override { return v_[i_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  const std::vector<std::string>& v_;
  size_t i_ = 0;
};

}  // namespace

SpecialIds pinned_ids(int32_t image_id) {
  if (image_id < 0 || image_id >= kMetaPieces)
    throw ConfigError("tokenizer.image_token_id = " + std::to_string(image_id) +
                      ": a trained tokenizer puts <image> among the first " + std::to_string(kMetaPieces) +
                      " ids (0.." + std::to_string(kMetaPieces - 1) + ")");
  std::vector<int32_t> free;
  for (int32_t i = 0; i < kMetaPieces; ++i)
    if (i != image_id) free.push_back(i);
  return {free[0], free[1], free[2], free[3], image_id};
}

std::string train_spm(const std::vector<std::string>& sentences, const SpmTrainOptions& o) {
  if (sentences.empty()) throw Error("no text to train the tokenizer on (empty dataset split)");
  const SpecialIds ids = pinned_ids(o.image_id);
  std::ostringstream coverage;
  coverage << o.character_coverage;
  const std::unordered_map<std::string, std::string> args{
      {"model_type", o.model_type},
      {"vocab_size", std::to_string(o.vocab_size)},
      {"hard_vocab_limit", "false"},  // a small text gives fewer pieces instead of an error
      {"pad_id", std::to_string(ids.pad)},
      {"unk_id", std::to_string(ids.unk)},
      {"bos_id", std::to_string(ids.bos)},
      {"eos_id", std::to_string(ids.eos)},
      {"control_symbols", kImagePiece},
      {"byte_fallback", "true"},
      {"split_digits", "true"},
      {"character_coverage", coverage.str()},
      {"normalization_rule_name", "identity"},
      {"add_dummy_prefix", "false"},
      {"remove_extra_whitespaces", "false"},
      {"max_sentence_length", "16384"},
      {"num_threads", "1"},  // recorded in the model: a fixed value keeps the bytes identical
      {"minloglevel", "2"},
  };
  VectorIterator it(sentences);
  std::string model;
  const auto st = sentencepiece::SentencePieceTrainer::Train(args, &it, &model);
  if (!st.ok()) throw Error("sentencepiece training failed: " + st.ToString());
  return model;
}

SpmModel SpmModel::from_bytes(const std::string& serialized, const std::string& what) {
  SpmModel m;
  m.sp_ = std::make_shared<sentencepiece::SentencePieceProcessor>();
  m.what_ = what;
  const auto st = m.sp_->LoadFromSerializedProto(serialized);
  if (!st.ok()) throw ConfigError(what + ": not a sentencepiece model: " + st.ToString());
  return m;
}

SpmModel SpmModel::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open sentencepiece model");
  std::ostringstream buf;
  buf << in.rdbuf();
  return from_bytes(buf.str(), path);
}

std::vector<int32_t> SpmModel::encode(const std::string& text) const {
  std::vector<int> ids;
  const auto st = sp_->Encode(text, &ids);
  if (!st.ok()) throw Error("sentencepiece encode failed: " + st.ToString());
  return std::vector<int32_t>(ids.begin(), ids.end());
}

std::string SpmModel::decode(const std::vector<int32_t>& ids) const {
  std::string text;
  const auto st = sp_->Decode(std::vector<int>(ids.begin(), ids.end()), &text);
  if (!st.ok()) throw Error("sentencepiece decode failed: " + st.ToString());
  return text;
}

size_t SpmModel::size() const { return static_cast<size_t>(sp_->GetPieceSize()); }

Vocab SpmModel::vocab() const {
  const int n = sp_->GetPieceSize();
  std::vector<std::string> pieces;
  std::vector<PieceType> types;
  for (int i = 0; i < n; ++i) {
    pieces.push_back(sp_->IdToPiece(i));
    types.push_back(sp_->IsControl(i)   ? PieceType::Control
                    : sp_->IsUnknown(i) ? PieceType::Unknown
                    : sp_->IsByte(i)    ? PieceType::Byte
                    : sp_->IsUnused(i)  ? PieceType::Unused
                                        : PieceType::Normal);  // includes user-defined
  }
  SpecialIds special{sp_->pad_id(), sp_->unk_id(), sp_->bos_id(), sp_->eos_id(), -1};
  const int image = sp_->PieceToId(kImagePiece);
  if (image < 0 || image >= n || pieces[static_cast<size_t>(image)] != kImagePiece)
    throw ConfigError(what_ + ": the model has no '" + std::string(kImagePiece) +
                      "' piece; train it with control_symbols=" + kImagePiece);
  special.image = image;
  Vocab v(std::move(pieces), std::move(types), special);
  // Does sentencepiece drop the "▁" of the first piece (add_dummy_prefix)? Ask it.
  for (int i = 0; i < n; ++i) {
    const std::string& p = v.piece(i);
    if (v.type(i) == PieceType::Normal && p.size() > 3 && p.compare(0, 3, "\xE2\x96\x81") == 0) {
      v.strip_leading_space = sp_->DecodeIds({i}).compare(0, 1, " ") != 0;
      break;
    }
  }
  return v;
}

}  // namespace cf::tokenize
