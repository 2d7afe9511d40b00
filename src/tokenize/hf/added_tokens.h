// HF added tokens (tokenizer.json "added_tokens"): matched in the text before normalization
// (normalized: false) or in each normalized piece (normalized: true), leftmost-longest and
// non-overlapping like tokenizers' Aho-Corasick tries, with single_word, lstrip and rstrip.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "tokenize/hf/normalizer.h"
#include "tokenize/hf/split.h"

namespace cf::tokenize::hf {

struct AddedToken {
  int32_t id = -1;
  std::string content;
  bool single_word = false, lstrip = false, rstrip = false, normalized = true, special = false;
};

class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  // `normalizer` (may be null) normalizes the content of normalized tokens for matching.
  AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer* normalizer);
  static std::vector<AddedToken> parse(const nlohmann::json& added_tokens);

  // Splits the non-token pieces on the non-normalized (raw) or the normalized tokens.
  void split_raw(std::vector<Piece>& pieces) const { split(pieces, raw_); }
  void split_normalized(std::vector<Piece>& pieces) const { split(pieces, normalized_); }

  const AddedToken* by_id(int32_t id) const;
  int32_t id_of(const std::string& content) const;  // -1 when not an added token
  bool is_special_content(const std::string& content) const;
  const std::vector<AddedToken>& tokens() const { return tokens_; }

 private:
  struct Trie {
    std::vector<std::string> patterns;
    std::vector<size_t> token;  // index into tokens_
    std::vector<std::vector<size_t>> by_first = std::vector<std::vector<size_t>>(256);
  };
  void split(std::vector<Piece>& pieces, const Trie& trie) const;
  std::vector<Piece> find_matches(const Piece& p, const Trie& trie) const;

  std::vector<AddedToken> tokens_;
  std::unordered_map<int32_t, size_t> by_id_;
  Trie raw_, normalized_;
};

}  // namespace cf::tokenize::hf
