#include "synth/retrieve/knowledge_base.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace cf::retrieve {
namespace {

std::vector<std::string> documents(const std::vector<KbEntry>& entries) {
  std::vector<std::string> docs;
  for (const auto& e : entries) {
    std::string d = e.name + " " + e.name;  // the name counts twice: it is the strongest cue
    for (const auto& a : e.aliases) d += " " + a;
    docs.push_back(d + " " + e.description);
  }
  return docs;
}

}  // namespace

std::string normalize_name(const std::string& s) {
  std::string out;
  for (const auto& w : tokenize(s)) {
    std::string t = w;
    if (t.size() > 3 && t.back() == 's' && t[t.size() - 2] != 's') t.pop_back();
    out += (out.empty() ? "" : " ") + t;
  }
  return out;
}

KnowledgeBase::KnowledgeBase(std::vector<KbEntry> entries) : entries_(std::move(entries)), bm25_(documents(entries_)) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    const std::string n = normalize_name(entries_[i].name);
    if (n.empty()) throw ConfigError("knowledge base entry " + std::to_string(i + 1) + " has no name");
    if (!names_.emplace(n, i).second) throw ConfigError("knowledge base: duplicate name '" + entries_[i].name + "'");
  }
  for (size_t i = 0; i < entries_.size(); ++i)
    for (const auto& a : entries_[i].aliases) {
      const std::string n = normalize_name(a);
      auto other = names_.find(n);
      if (other != names_.end() && other->second != i)
        throw ConfigError("knowledge base: alias '" + a + "' of '" + entries_[i].name + "' is the name of '" +
                          entries_[other->second].name + "'");
      auto [it, fresh] = aliases_.emplace(n, i);
      if (!fresh && it->second != i)
        throw ConfigError("knowledge base: alias '" + a + "' belongs to both '" + entries_[it->second].name +
                          "' and '" + entries_[i].name + "'");
    }
}

KnowledgeBase KnowledgeBase::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("knowledge base '" + path + "' cannot be read");
  std::vector<KbEntry> entries;
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      auto j = nlohmann::json::parse(line);
      KbEntry e;
      e.name = j.at("name").get<std::string>();
      e.aliases = j.value("aliases", std::vector<std::string>{});
      e.description = j.at("description").get<std::string>();
      e.driving_relevance = j.at("driving_relevance").get<std::string>();
      entries.push_back(std::move(e));
    } catch (const std::exception& e) {
      throw ConfigError(path + ":" + std::to_string(lineno) + ": " + e.what());
    }
  }
  try {
    return KnowledgeBase(std::move(entries));
  } catch (const ConfigError& e) {
    throw ConfigError(path + ": " + e.what());
  }
}

KbMatch KnowledgeBase::lookup(const std::string& label) const {
  const std::string n = normalize_name(label);
  if (auto it = names_.find(n); it != names_.end()) return {&entries_[it->second], "name"};
  if (auto it = aliases_.find(n); it != aliases_.end()) return {&entries_[it->second], "alias"};
  const int b = bm25_.best(label);
  if (b >= 0) return {&entries_[b], "bm25"};
  return {};
}

}  // namespace cf::retrieve
