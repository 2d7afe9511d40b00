#include "tokenize/hf/bpe.h"

#include <cstdio>
#include <queue>
#include <stdexcept>

#include "tokenize/hf/utf8.h"

namespace cf::tokenize::hf {

using json = nlohmann::json;

namespace {

std::string opt_string(const json& j, const char* key) {
  return j.contains(key) && j.at(key).is_string() ? j.at(key).get<std::string>() : "";
}

std::pair<std::string, std::string> merge_pair(const json& m) {
  if (m.is_array()) return {m.at(0).get<std::string>(), m.at(1).get<std::string>()};
  const std::string s = m.get<std::string>();
  const size_t sp = s.find(' ');
  if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos)
    throw std::invalid_argument("BPE merge '" + s + "' is not two tokens separated by a space");
  return {s.substr(0, sp), s.substr(sp + 1)};
}

}  // namespace

BpeModel BpeModel::from_json(const json& j) {
  if (j.value("type", std::string("BPE")) != "BPE")
    throw std::invalid_argument("unsupported model type '" + j.at("type").get<std::string>() + "' (only BPE)");
  if (j.contains("dropout") && !j.at("dropout").is_null()) throw std::invalid_argument("BPE dropout is not supported");
  BpeModel m;
  for (const auto& [tok, id] : j.at("vocab").items()) {
    const auto i = id.get<int32_t>();
    if (i < 0) throw std::invalid_argument("negative id for token '" + tok + "'");
    m.vocab_[tok] = i;
    if (m.id_to_token_.size() <= static_cast<size_t>(i)) m.id_to_token_.resize(static_cast<size_t>(i) + 1);
    m.id_to_token_[static_cast<size_t>(i)] = tok;
  }
  int32_t rank = 0;
  for (const auto& mj : j.at("merges")) {
    const auto [a, b] = merge_pair(mj);
    const int32_t ia = m.token_to_id(a), ib = m.token_to_id(b), ic = m.token_to_id(a + b);
    if (ia < 0 || ib < 0 || ic < 0)
      throw std::invalid_argument("BPE merge '" + a + " " + b + "' names a token not in the vocab");
    m.merges_.emplace(key(ia, ib), Merge{rank++, ic});
  }
  const std::string unk = opt_string(j, "unk_token");
  if (!unk.empty()) m.unk_id_ = m.token_to_id(unk);
  m.fuse_unk_ = j.value("fuse_unk", false);
  m.byte_fallback_ = j.value("byte_fallback", false);
  m.ignore_merges_ = j.value("ignore_merges", false);
  m.prefix_ = opt_string(j, "continuing_subword_prefix");
  m.suffix_ = opt_string(j, "end_of_word_suffix");
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    m.byte_ids_[b] = m.token_to_id(name);
  }
  return m;
}

int32_t BpeModel::token_to_id(const std::string& token) const {
  const auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

const std::string* BpeModel::id_to_token(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= id_to_token_.size()) return nullptr;
  const std::string& t = id_to_token_[static_cast<size_t>(id)];
  return t.empty() ? nullptr : &t;
}

const BpeModel::Merge* BpeModel::find_merge(int32_t a, int32_t b) const {
  const auto it = merges_.find(key(a, b));
  return it == merges_.end() ? nullptr : &it->second;
}

// One symbol per character (prefix / suffix added), byte pieces or unk for unknown ones,
// mirroring tokenizers' BPE::merge_word (including where a pending fused unk lands).
std::vector<int32_t> BpeModel::initial_symbols(const std::string& w) const {
  std::vector<int32_t> out;
  int32_t pending_unk = -1;
  for (size_t i = 0; i < w.size();) {
    const size_t n = utf8_len(static_cast<unsigned char>(w[i]));
    std::string s = w.substr(i, n);
    if (i > 0) s = prefix_ + s;
    i += n;
    if (i >= w.size()) s += suffix_;
    const int32_t id = token_to_id(s);
    if (id >= 0) {
      if (pending_unk >= 0) out.push_back(pending_unk);
      pending_unk = -1;
      out.push_back(id);
      continue;
    }
    if (byte_fallback_) {
      bool all = true;
      for (unsigned char c : s) all = all && byte_ids_[c] >= 0;
      if (all) {
        for (unsigned char c : s) out.push_back(byte_ids_[c]);
        continue;
      }
    }
    if (unk_id_ >= 0) {  // without an unk token, tokenizers drops the character
      if (pending_unk >= 0 && !fuse_unk_) out.push_back(pending_unk);
      pending_unk = unk_id_;
    }
  }
  if (pending_unk >= 0) out.push_back(pending_unk);
  return out;
}

void BpeModel::merge_all(std::vector<int32_t>& ids) const {
  const int n = static_cast<int>(ids.size());
  std::vector<int> prev(n), next(n);
  std::vector<char> alive(n, 1);
  for (int i = 0; i < n; ++i) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  struct Entry {
    int32_t rank, new_id;
    int pos;
    bool operator<(const Entry& o) const {  // top = lowest rank, then lowest pos
      return rank != o.rank ? rank > o.rank : pos > o.pos;
    }
  };
  std::priority_queue<Entry> queue;
  for (int i = 0; i + 1 < n; ++i)
    if (const Merge* m = find_merge(ids[i], ids[i + 1])) queue.push({m->rank, m->new_id, i});
  while (!queue.empty()) {
    const Entry top = queue.top();
    queue.pop();
    if (!alive[top.pos] || next[top.pos] < 0) continue;
    const int right = next[top.pos];
    const Merge* current = find_merge(ids[top.pos], ids[right]);
    if (current == nullptr || current->new_id != top.new_id) continue;
    ids[top.pos] = top.new_id;
    alive[right] = 0;
    next[top.pos] = next[right];
    if (next[right] >= 0) prev[next[right]] = top.pos;
    if (prev[top.pos] >= 0)
      if (const Merge* m = find_merge(ids[prev[top.pos]], ids[top.pos]))
        queue.push({m->rank, m->new_id, prev[top.pos]});
    if (next[top.pos] >= 0)
      if (const Merge* m = find_merge(ids[top.pos], ids[next[top.pos]])) queue.push({m->rank, m->new_id, top.pos});
  }
  std::vector<int32_t> kept;
  for (int i = 0; i < n; ++i)
    if (alive[i]) kept.push_back(ids[i]);
  ids = std::move(kept);
}

std::vector<int32_t> BpeModel::tokenize(const std::string& word) const {
  if (word.empty()) return {};
  if (ignore_merges_) {
    const int32_t id = token_to_id(word);
    if (id >= 0) return {id};
  }
  std::vector<int32_t> ids = initial_symbols(word);
  merge_all(ids);
  return ids;
}

}  // namespace cf::tokenize::hf
