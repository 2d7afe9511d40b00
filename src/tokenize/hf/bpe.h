// The BPE model of an HF tokenizer.json ("model": {"type": "BPE", ...}): vocab, merges by
// rank, unk / fuse_unk, byte_fallback (<0xNN> pieces), continuing_subword_prefix,
// end_of_word_suffix, ignore_merges. Merging follows tokenizers' Word::merge_all: the pair
// with the lowest rank first, the leftmost one among equal ranks. No dropout.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace cf::tokenize::hf {

class BpeModel {
 public:
  // Throws std::invalid_argument for a non-BPE model, dropout, or a merge naming a token that is
  // not in the vocab.
  static BpeModel from_json(const nlohmann::json& model);

  // Ids of one pre-tokenized word.
  std::vector<int32_t> tokenize(const std::string& word) const;

  size_t vocab_size() const { return id_to_token_.size(); }
  int32_t token_to_id(const std::string& token) const;  // -1 when absent
  const std::string* id_to_token(int32_t id) const;     // nullptr when absent

 private:
  struct Merge {
    int32_t rank, new_id;
  };
  static uint64_t key(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }
  const Merge* find_merge(int32_t a, int32_t b) const;
  std::vector<int32_t> initial_symbols(const std::string& word) const;
  void merge_all(std::vector<int32_t>& symbols) const;

  std::unordered_map<std::string, int32_t> vocab_;
  std::vector<std::string> id_to_token_;  // "" for ids missing from the vocab
  std::unordered_map<uint64_t, Merge> merges_;
  int32_t unk_id_ = -1;
  bool fuse_unk_ = false, byte_fallback_ = false, ignore_merges_ = false;
  std::string prefix_, suffix_;
  int32_t byte_ids_[256] = {};
};

}  // namespace cf::tokenize::hf
