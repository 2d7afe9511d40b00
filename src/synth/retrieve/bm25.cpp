#include "synth/retrieve/bm25.h"

#include <cctype>
#include <cmath>

namespace cf::retrieve {

std::vector<std::string> tokenize(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c)) {
      cur.push_back(static_cast<char>(std::tolower(c)));
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

Bm25::Bm25(const std::vector<std::string>& documents, double k1, double b) : k1_(k1), b_(b) {
  double total = 0;
  for (const auto& doc : documents) {
    std::unordered_map<std::string, int> tf;
    const auto tokens = tokenize(doc);
    for (const auto& t : tokens) ++tf[t];
    for (const auto& kv : tf) ++df_[kv.first];
    len_.push_back(static_cast<int>(tokens.size()));
    total += tokens.size();
    tf_.push_back(std::move(tf));
  }
  avg_len_ = documents.empty() ? 0 : total / documents.size();
}

std::vector<double> Bm25::scores(const std::string& query) const {
  std::vector<double> s(tf_.size(), 0.0);
  const double n = static_cast<double>(tf_.size());
  for (const auto& term : tokenize(query)) {
    auto d = df_.find(term);
    if (d == df_.end()) continue;
    const double idf = std::log(1.0 + (n - d->second + 0.5) / (d->second + 0.5));
    for (size_t i = 0; i < tf_.size(); ++i) {
      auto f = tf_[i].find(term);
      if (f == tf_[i].end()) continue;
      const double tf = f->second;
      s[i] += idf * tf * (k1_ + 1) / (tf + k1_ * (1 - b_ + b_ * len_[i] / avg_len_));
    }
  }
  return s;
}

int Bm25::best(const std::string& query) const {
  const auto s = scores(query);
  int best = -1;
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] > 0 && (best < 0 || s[i] > s[best])) best = static_cast<int>(i);
  return best;
}

}  // namespace cf::retrieve
