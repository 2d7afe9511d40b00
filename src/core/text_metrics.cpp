#include "core/text_metrics.h"

#include <algorithm>
#include <cctype>

namespace cf {

std::vector<std::string> rouge_tokens(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      cur += static_cast<char>(std::tolower(c));
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

size_t lcs_length(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<size_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

double rouge_l_f(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return 0;
  const double l = static_cast<double>(lcs_length(a, b));
  if (l == 0) return 0;
  const double p = l / b.size(), r = l / a.size();
  return 2 * p * r / (p + r);
}

double rouge_l_f(const std::string& a, const std::string& b) { return rouge_l_f(rouge_tokens(a), rouge_tokens(b)); }

}  // namespace cf
