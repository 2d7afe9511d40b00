#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenize/hf/regex.h"

#include <pcre2.h>

#include <cctype>
#include <stdexcept>

#include "tokenize/hf/utf8.h"

namespace cf::tokenize::hf {

struct Regex::Impl {
  pcre2_code* code = nullptr;
  ~Impl() { pcre2_code_free(code); }
};

Regex::Regex(const std::string& pattern) : pattern_(pattern), impl_(std::make_unique<Impl>()) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                              PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &error, &offset, nullptr);
  if (impl_->code == nullptr) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(error, msg, sizeof msg);
    throw std::invalid_argument("regex '" + pattern + "' at offset " + std::to_string(offset) + ": " +
                                reinterpret_cast<const char*>(msg));
  }
  pcre2_jit_compile(impl_->code, PCRE2_JIT_COMPLETE);  // optional speed-up; falls back if absent
}

Regex::~Regex() = default;

namespace {

// One match at or after `from` with `md`; a JIT stack overflow (very long runs) retries with
// the interpreter, which keeps its backtracking state on the heap.
Span match_once(const pcre2_code* code, pcre2_match_data* md, const std::string& text, size_t from,
                const std::string& pattern) {
  const auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  int rc = pcre2_match(code, subject, text.size(), from, PCRE2_NO_UTF_CHECK, md, nullptr);
  if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
    rc = pcre2_match(code, subject, text.size(), from, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, md, nullptr);
  if (rc >= 0) {
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    return {ov[0], ov[1]};
  }
  if (rc != PCRE2_ERROR_NOMATCH) throw std::runtime_error("regex '" + pattern + "': match error " + std::to_string(rc));
  return {std::string::npos, std::string::npos};
}

struct MatchData {
  pcre2_match_data* md;
  explicit MatchData(const pcre2_code* code) : md(pcre2_match_data_create_from_pattern(code, nullptr)) {
    if (md == nullptr) throw std::bad_alloc();
  }
  ~MatchData() { pcre2_match_data_free(md); }
  MatchData(const MatchData&) = delete;
  MatchData& operator=(const MatchData&) = delete;
};

}  // namespace

Span Regex::find(const std::string& text, size_t from) const {
  if (from > text.size()) return {std::string::npos, std::string::npos};
  MatchData md(impl_->code);
  return match_once(impl_->code, md.md, text, from, pattern_);
}

std::vector<Span> Regex::find_all(const std::string& text) const {
  std::vector<Span> out;
  MatchData md(impl_->code);
  size_t at = 0;
  while (at <= text.size()) {
    const Span m = match_once(impl_->code, md.md, text, at, pattern_);
    if (m.first == std::string::npos) break;
    out.push_back(m);
    if (m.second > m.first) {
      at = m.second;
    } else {
      if (m.second >= text.size()) break;
      at = m.second + utf8_len(static_cast<unsigned char>(text[m.second]));
    }
  }
  return out;
}

std::string Regex::escape(const std::string& literal) {
  std::string out;
  for (char c : literal) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && !std::isalnum(u)) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace cf::tokenize::hf
