// Okapi BM25 ranking over a small in-memory corpus (the knowledge base), written out because
// Debian has no C++ library for it. Tokens: lowercase ASCII letters/digits runs.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

namespace cf::retrieve {

std::vector<std::string> tokenize(const std::string& text);

class Bm25 {
 public:
  explicit Bm25(const std::vector<std::string>& documents, double k1 = 1.2, double b = 0.75);
  // Score of every document for `query` (0 for documents sharing no term).
  std::vector<double> scores(const std::string& query) const;
  // Index of the best document, ties to the lower index; -1 when no document scores > 0.
  int best(const std::string& query) const;

 private:
  double k1_, b_, avg_len_ = 0;
  std::vector<std::unordered_map<std::string, int>> tf_;
  std::vector<int> len_;
  std::unordered_map<std::string, int> df_;
};

}  // namespace cf::retrieve
