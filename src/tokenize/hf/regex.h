// A compiled PCRE2 pattern (UTF + Unicode properties) with the find-all semantics HF
// tokenizers gets from Oniguruma: leftmost matches, non-overlapping, an empty match moves the
// search on by one character. Used for Split pre-tokenizers, ByteLevel's GPT-2 pattern and
// Replace normalizers with a Regex pattern.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cf::tokenize::hf {

using Span = std::pair<size_t, size_t>;  // [begin, end) byte offsets

class Regex {
 public:
  // Throws std::invalid_argument with PCRE2's message and the offset in the pattern.
  explicit Regex(const std::string& pattern);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Every match in `text` (valid UTF-8), in order.
  std::vector<Span> find_all(const std::string& text) const;
  // The first match at or after `from`, or {npos, npos}.
  Span find(const std::string& text, size_t from = 0) const;
  const std::string& pattern() const { return pattern_; }

  static std::string escape(const std::string& literal);

 private:
  std::string pattern_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cf::tokenize::hf
