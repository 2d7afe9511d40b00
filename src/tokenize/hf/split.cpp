#include "tokenize/hf/split.h"

#include <algorithm>
#include <stdexcept>

namespace cf::tokenize::hf {

SplitBehavior split_behavior_from_string(const std::string& s) {
  if (s == "Removed") return SplitBehavior::Removed;
  if (s == "Isolated") return SplitBehavior::Isolated;
  if (s == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
  if (s == "MergedWithNext") return SplitBehavior::MergedWithNext;
  if (s == "Contiguous") return SplitBehavior::Contiguous;
  throw std::invalid_argument("unknown split behavior '" + s + "'");
}

namespace {

std::vector<Segment> with_gaps(const std::vector<Span>& matches, size_t size) {
  if (size == 0) return {{{0, 0}, false}};
  std::vector<Segment> out;
  size_t prev = 0;
  for (const auto& m : matches) {
    if (prev != m.first) out.push_back({{prev, m.first}, false});
    out.push_back({m, true});
    prev = m.second;
  }
  if (prev != size) out.push_back({{prev, size}, false});
  return out;
}

}  // namespace

std::vector<Segment> regex_segments(const Regex& re, const std::string& text) {
  return with_gaps(re.find_all(text), text.size());
}

std::vector<Segment> literal_segments(const std::string& literal, const std::string& text) {
  std::vector<Span> matches;
  if (!literal.empty())
    for (size_t at = text.find(literal); at != std::string::npos; at = text.find(literal, at + literal.size()))
      matches.push_back({at, at + literal.size()});
  return with_gaps(matches, text.size());
}

Pattern::Pattern(const nlohmann::json& j) {
  if (j.contains("Regex")) regex_ = std::make_shared<const Regex>(j.at("Regex").get<std::string>());
  else literal_ = j.at("String").get<std::string>();
}

std::vector<Segment> Pattern::segments(const std::string& text) const {
  return regex_ ? regex_segments(*regex_, text) : literal_segments(literal_, text);
}

std::string Pattern::replace_all(const std::string& text, const std::string& content) const {
  std::string out;
  for (const auto& s : segments(text))
    out += s.match ? content : text.substr(s.span.first, s.span.second - s.span.first);
  return out;
}

std::vector<Span> apply_split(const std::vector<Segment>& segs, SplitBehavior behavior) {
  std::vector<Span> out;
  bool previous_match = false;
  switch (behavior) {
    case SplitBehavior::Isolated:
      for (const auto& s : segs) out.push_back(s.span);
      break;
    case SplitBehavior::Removed:
      for (const auto& s : segs)
        if (!s.match) out.push_back(s.span);
      break;
    case SplitBehavior::Contiguous:
      for (const auto& s : segs) {
        if (s.match == previous_match && !out.empty()) out.back().second = s.span.second;
        else out.push_back(s.span);
        previous_match = s.match;
      }
      break;
    case SplitBehavior::MergedWithPrevious:
      for (const auto& s : segs) {
        if (s.match && !previous_match && !out.empty()) out.back().second = s.span.second;
        else out.push_back(s.span);
        previous_match = s.match;
      }
      break;
    case SplitBehavior::MergedWithNext:
      for (auto it = segs.rbegin(); it != segs.rend(); ++it) {
        if (it->match && !previous_match && !out.empty()) out.back().first = it->span.first;
        else out.push_back(it->span);
        previous_match = it->match;
      }
      std::reverse(out.begin(), out.end());
      break;
  }
  std::vector<Span> kept;
  for (const auto& s : out)
    if (s.second > s.first) kept.push_back(s);
  return kept;
}

std::vector<Piece> slice_piece(const Piece& p, const std::vector<Span>& spans) {
  std::vector<Piece> out;
  out.reserve(spans.size());
  for (const auto& s : spans)
    out.push_back({p.text.substr(s.first, s.second - s.first), p.at_origin && s.first == 0, -1});
  return out;
}

}  // namespace cf::tokenize::hf
