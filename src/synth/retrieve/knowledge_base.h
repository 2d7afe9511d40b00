// The textual knowledge base of cf-retrieve (configs/knowledge_base.jsonl): one JSON object per
// line, {name, aliases[], description, driving_relevance}. A label is looked up by exact name,
// then alias (both normalized: lowercase, punctuation and '_' as spaces, a plural 's' dropped),
// then by BM25 over name + aliases + description.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "synth/retrieve/bm25.h"

namespace cf::retrieve {

struct KbEntry {
  std::string name;
  std::vector<std::string> aliases;
  std::string description;
  std::string driving_relevance;
};

struct KbMatch {
  const KbEntry* entry = nullptr;  // null: nothing matched
  std::string how;                 // "name", "alias", "bm25" or ""
};

std::string normalize_name(const std::string& s);

class KnowledgeBase {
 public:
  explicit KnowledgeBase(std::vector<KbEntry> entries);
  // Throws cf::ConfigError naming the file and line of a bad entry or a duplicate name/alias.
  static KnowledgeBase load(const std::string& path);

  KbMatch lookup(const std::string& label) const;
  const std::vector<KbEntry>& entries() const { return entries_; }

 private:
  std::vector<KbEntry> entries_;
  std::unordered_map<std::string, size_t> names_, aliases_;
  Bm25 bm25_;
};

}  // namespace cf::retrieve
