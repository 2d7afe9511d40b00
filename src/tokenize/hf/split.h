// The pieces a text goes through in an HF tokenizer pipeline, and the split rules of
// tokenizers' NormalizedString::split (Removed, Isolated, MergedWithPrevious, MergedWithNext,
// Contiguous) applied to a list of matched / unmatched spans.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <memory>

#include <nlohmann/json.hpp>

#include "tokenize/hf/regex.h"

namespace cf::tokenize::hf {

struct Piece {
  std::string text;
  bool at_origin = false;  // starts at offset 0 of the original input (Metaspace "first")
  int32_t id = -1;         // >= 0: already an added token, left alone by later steps
};

enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };
// "Removed", "Isolated", ... as tokenizer.json spells them; throws std::invalid_argument.
SplitBehavior split_behavior_from_string(const std::string& s);

struct Segment {
  Span span;
  bool match;
};

// Spans of `text` covering it entirely, each marked matched or not. An empty text is one
// unmatched empty segment (as in tokenizers).
std::vector<Segment> regex_segments(const Regex& re, const std::string& text);
std::vector<Segment> literal_segments(const std::string& literal, const std::string& text);

// A tokenizer.json "pattern": {"String": literal} or {"Regex": pattern}.
class Pattern {
 public:
  explicit Pattern(const nlohmann::json& j);
  std::vector<Segment> segments(const std::string& text) const;
  // `text` with every match replaced by `content`.
  std::string replace_all(const std::string& text, const std::string& content) const;

 private:
  std::string literal_;
  std::shared_ptr<const Regex> regex_;
};

// The spans to keep after applying `behavior`; empty spans are dropped.
std::vector<Span> apply_split(const std::vector<Segment>& segments, SplitBehavior behavior);

// Replaces each non-token piece by the non-empty sub-pieces `split_fn(piece)` returns.
template <typename F>
void split_pieces(std::vector<Piece>& pieces, F&& split_fn) {
  std::vector<Piece> out;
  out.reserve(pieces.size());
  for (auto& p : pieces) {
    if (p.id >= 0) {
      out.push_back(std::move(p));
      continue;
    }
    for (auto& sub : split_fn(p))
      if (!sub.text.empty() || sub.id >= 0) out.push_back(std::move(sub));
  }
  pieces = std::move(out);
}

// Sub-pieces of `p` for `spans` (at_origin kept only on a sub-piece starting at 0).
std::vector<Piece> slice_piece(const Piece& p, const std::vector<Span>& spans);

}  // namespace cf::tokenize::hf
