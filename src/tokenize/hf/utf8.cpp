#include "tokenize/hf/utf8.h"

#include <vector>

namespace cf::tokenize::hf {

size_t utf8_len(unsigned char c) {
  return c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

namespace {

// Valid range of the second byte after lead `c` (Unicode table 3-7), {0,0} for a bad lead.
std::pair<int, int> second_byte_range(unsigned char c) {
  if (c >= 0xC2 && c <= 0xDF) return {0x80, 0xBF};
  if (c == 0xE0) return {0xA0, 0xBF};
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return {0x80, 0xBF};
  if (c == 0xED) return {0x80, 0x9F};
  if (c == 0xF0) return {0x90, 0xBF};
  if (c >= 0xF1 && c <= 0xF3) return {0x80, 0xBF};
  if (c == 0xF4) return {0x80, 0x8F};
  return {0, 0};
}

// Bytes of the longest valid prefix of a character at s[i] (its "maximal subpart") and whether
// the whole character is there.
std::pair<size_t, bool> scan_char(const std::string& s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return {1, true};
  const auto [lo, hi] = second_byte_range(c);
  if (lo == 0) return {1, false};
  const size_t n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  size_t k = 1;
  if (i + k >= s.size() || b(i + k) < lo || b(i + k) > hi) return {1, false};
  for (++k; k < n; ++k)
    if (i + k >= s.size() || (b(i + k) & 0xC0) != 0x80) return {k, false};
  return {n, true};
}

}  // namespace

size_t valid_char_len(const std::string& s, size_t i) {
  const auto [n, ok] = scan_char(s, i);
  return ok ? n : 0;
}

bool is_valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = valid_char_len(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string utf8_lossy(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    const auto [n, ok] = scan_char(bytes, i);
    if (ok) out.append(bytes, i, n);
    else out += "\xEF\xBF\xBD";
    i += n;
  }
  return out;
}

size_t char_count(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

namespace {

struct ByteTables {
  std::array<std::string, 256> to_char;
  std::vector<int> to_byte = std::vector<int>(512, -1);  // code points < 0x200
  ByteTables() {
    uint32_t extra = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
      const uint32_t cp = printable ? static_cast<uint32_t>(b) : 256 + extra++;
      append_utf8(to_char[static_cast<size_t>(b)], cp);
      to_byte[cp] = b;
    }
  }
};

const ByteTables& tables() {
  static const ByteTables t;
  return t;
}

}  // namespace

const std::array<std::string, 256>& byte_to_char() { return tables().to_char; }

int char_to_byte(uint32_t cp) { return cp < 512 ? tables().to_byte[cp] : -1; }

std::string to_byte_level(const std::string& s) {
  const auto& t = byte_to_char();
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) out += t[c];
  return out;
}

}  // namespace cf::tokenize::hf
