#include "tokenize/hf/added_tokens.h"

#include <algorithm>
#include <stdexcept>

#include "tokenize/hf/regex.h"
#include "tokenize/hf/utf8.h"

namespace cf::tokenize::hf {

std::vector<AddedToken> AddedVocabulary::parse(const nlohmann::json& list) {
  std::vector<AddedToken> out;
  if (list.is_null()) return out;
  for (const auto& j : list) {
    AddedToken t;
    t.id = j.at("id").get<int32_t>();
    t.content = j.at("content").get<std::string>();
    t.single_word = j.value("single_word", false);
    t.lstrip = j.value("lstrip", false);
    t.rstrip = j.value("rstrip", false);
    t.normalized = j.value("normalized", true);
    t.special = j.value("special", false);
    if (!t.content.empty()) out.push_back(std::move(t));
  }
  return out;
}

AddedVocabulary::AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer* normalizer)
    : tokens_(std::move(tokens)) {
  // tokenizers builds its tries from the special tokens first, then the others.
  for (int pass = 0; pass < 2; ++pass)
    for (size_t i = 0; i < tokens_.size(); ++i) {
      const AddedToken& t = tokens_[i];
      if (t.special != (pass == 0)) continue;
      by_id_[t.id] = i;
      Trie& trie = t.normalized ? normalized_ : raw_;
      std::string pattern = t.content;
      if (t.normalized && normalizer != nullptr) normalizer->normalize(pattern);
      if (pattern.empty()) continue;
      trie.by_first[static_cast<unsigned char>(pattern[0])].push_back(trie.patterns.size());
      trie.patterns.push_back(pattern);
      trie.token.push_back(i);
    }
}

const AddedToken* AddedVocabulary::by_id(int32_t id) const {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &tokens_[it->second];
}

int32_t AddedVocabulary::id_of(const std::string& content) const {
  for (const auto& t : tokens_)
    if (t.content == content) return t.id;
  return -1;
}

bool AddedVocabulary::is_special_content(const std::string& content) const {
  for (const auto& t : tokens_)
    if (t.special && t.content == content) return true;
  return false;
}

void AddedVocabulary::split(std::vector<Piece>& pieces, const Trie& trie) const {
  if (trie.patterns.empty()) return;
  split_pieces(pieces, [&](const Piece& p) { return find_matches(p, trie); });
}

namespace {

// The character that ends at byte `end` / starts at byte `begin` of `s` ("" at the edges).
std::string char_before(const std::string& s, size_t end) {
  size_t b = end;
  while (b > 0 && (static_cast<unsigned char>(s[--b]) & 0xC0) == 0x80) {}
  return s.substr(b, end - b);
}
std::string char_at(const std::string& s, size_t begin) {
  return begin < s.size() ? s.substr(begin, utf8_len(static_cast<unsigned char>(s[begin]))) : "";
}

bool is_word_char(const std::string& c) {  // Rust regex \w
  static const Regex re("\\A\\w\\z");
  return !c.empty() && re.find(c).first != std::string::npos;
}
bool is_space_char(const std::string& c) {  // Rust regex \s
  static const Regex re("\\A\\s\\z");
  return !c.empty() && re.find(c).first != std::string::npos;
}

}  // namespace

std::vector<Piece> AddedVocabulary::find_matches(const Piece& p, const Trie& trie) const {
  const std::string& s = p.text;
  std::vector<Piece> out;
  size_t start_offset = 0;
  const auto emit = [&](size_t b, size_t e, int32_t id) {
    out.push_back({s.substr(b, e - b), p.at_origin && b == 0, id});
  };
  for (size_t pos = 0; pos < s.size();) {
    size_t best = trie.patterns.size(), best_len = 0;  // leftmost-longest at `pos`
    for (size_t k : trie.by_first[static_cast<unsigned char>(s[pos])]) {
      const std::string& pat = trie.patterns[k];
      if (pat.size() > best_len && s.compare(pos, pat.size(), pat) == 0) {
        best = k;
        best_len = pat.size();
      }
    }
    if (best == trie.patterns.size()) {
      ++pos;
      continue;
    }
    size_t start = pos, stop = pos + best_len;
    pos = stop;
    const AddedToken& t = tokens_[trie.token[best]];
    if (t.single_word) {
      const bool start_space = !is_word_char(char_before(s, start));
      const bool stop_space = !is_word_char(char_at(s, stop));
      if (!start_space || !stop_space) continue;
    }
    if (t.lstrip) {
      size_t b = start;
      for (std::string c = char_before(s, b); b > start_offset && is_space_char(c); c = char_before(s, b))
        b -= c.size();
      start = std::max(b, start_offset);
    }
    if (t.rstrip)
      for (std::string c = char_at(s, stop); is_space_char(c); c = char_at(s, stop)) stop += c.size();
    if (start_offset < start) emit(start_offset, start, -1);
    emit(start, stop, t.id);
    start_offset = stop;
  }
  if (start_offset != s.size()) emit(start_offset, s.size(), -1);
  return out;
}

}  // namespace cf::tokenize::hf
