#include "tokenize/hf/pre_tokenizer.h"

#include <stdexcept>

#include "tokenize/hf/parts.h"

#include "tokenize/hf/utf8.h"

namespace cf::tokenize::hf {

const char* const kGpt2Pattern = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

namespace {

using json = nlohmann::json;

// Splits every piece on a pattern with a behavior; `invert` flips matched spans.
class PatternSplit : public PreTokenizer {
 public:
  PatternSplit(Pattern pattern, SplitBehavior b, bool invert)
      : pattern_(std::move(pattern)), behavior_(b), invert_(invert) {}
  void apply(std::vector<Piece>& pieces) const override {
    split_pieces(pieces, [&](const Piece& p) {
      auto segs = pattern_.segments(p.text);
      if (invert_)
        for (auto& s : segs) s.match = !s.match;
      return slice_piece(p, apply_split(segs, behavior_));
    });
  }

 private:
  Pattern pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

std::unique_ptr<PreTokenizer> split_on_regex(const std::string& re, SplitBehavior b, bool invert) {
  return std::make_unique<PatternSplit>(Pattern(json{{"Regex", re}}), b, invert);
}

class ByteLevel : public PreTokenizer {
 public:
  ByteLevel(bool add_prefix_space, bool use_regex)
      : add_prefix_space_(add_prefix_space), re_(use_regex ? std::make_unique<Regex>(kGpt2Pattern) : nullptr) {}
  void apply(std::vector<Piece>& pieces) const override {
    split_pieces(pieces, [&](Piece& p) {
      if (add_prefix_space_ && p.text.rfind(' ', 0) != 0) p.text.insert(0, " ");
      std::vector<Piece> subs = re_ ? slice_piece(p, apply_split(regex_segments(*re_, p.text), SplitBehavior::Isolated))
                                    : std::vector<Piece>{p};
      for (auto& s : subs) s.text = to_byte_level(s.text);
      return subs;
    });
  }

 private:
  bool add_prefix_space_;
  std::unique_ptr<Regex> re_;
};

class Metaspace : public PreTokenizer {
 public:
  Metaspace(std::string replacement, std::string scheme, bool split)
      : rep_(std::move(replacement)), scheme_(std::move(scheme)), split_(split) {
    if (scheme_ != "always" && scheme_ != "first" && scheme_ != "never")
      throw std::invalid_argument("Metaspace: unknown prepend_scheme '" + scheme_ + "'");
  }
  void apply(std::vector<Piece>& pieces) const override {
    split_pieces(pieces, [&](Piece& p) {
      std::string t;
      for (char c : p.text) {
        if (c == ' ') t += rep_;
        else t += c;
      }
      const bool starts = t.rfind(rep_, 0) == 0;
      if (!starts && (scheme_ == "always" || (scheme_ == "first" && p.at_origin))) t = rep_ + t;
      p.text = std::move(t);
      if (!split_) return std::vector<Piece>{p};
      return slice_piece(p, apply_split(literal_segments(rep_, p.text), SplitBehavior::MergedWithNext));
    });
  }

 private:
  std::string rep_, scheme_;
  bool split_;
};

class Sequence : public PreTokenizer {
 public:
  explicit Sequence(const json& list) : steps_(make_parts<PreTokenizer>(list, &make_pre_tokenizer)) {}
  void apply(std::vector<Piece>& pieces) const override {
    for (const auto& s : steps_) s->apply(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

std::string metaspace_scheme(const json& j) {
  if (j.contains("prepend_scheme")) return j.at("prepend_scheme").get<std::string>();
  return j.value("add_prefix_space", true) ? "always" : "never";  // files before 0.14
}

}  // namespace

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const json& j) {
  if (j.is_null()) return nullptr;
  const std::string type = j.at("type").get<std::string>();
  if (type == "Sequence") return std::make_unique<Sequence>(j.at("pretokenizers"));
  if (type == "Split")
    return std::make_unique<PatternSplit>(Pattern(j.at("pattern")),
                                          split_behavior_from_string(j.at("behavior").get<std::string>()),
                                          j.value("invert", false));
  if (type == "ByteLevel")
    return std::make_unique<ByteLevel>(j.value("add_prefix_space", true), j.value("use_regex", true));
  if (type == "Metaspace")
    return std::make_unique<Metaspace>(j.value("replacement", std::string("\xE2\x96\x81")), metaspace_scheme(j),
                                       j.value("split", true));
  if (type == "Digits")
    return split_on_regex(
        "\\p{N}", j.value("individual_digits", false) ? SplitBehavior::Isolated : SplitBehavior::Contiguous, false);
  if (type == "Whitespace") return split_on_regex("\\w+|[^\\w\\s]+", SplitBehavior::Removed, true);
  if (type == "WhitespaceSplit") return split_on_regex("\\s+", SplitBehavior::Removed, false);
  throw std::invalid_argument("unsupported pre_tokenizer type '" + type + "'");
}

}  // namespace cf::tokenize::hf
