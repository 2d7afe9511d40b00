// ROUGE-L on word tokens (longest common subsequence), as Self-Instruct uses to drop
// near-duplicate instructions: F = (1 + b^2) P R / (R + b^2 P) with b = 1 (harmonic mean).
#pragma once
#include <string>
#include <vector>

namespace cf::synth {

std::vector<std::string> rouge_tokens(const std::string& text);  // lower-case runs of [a-z0-9]
size_t lcs_length(const std::vector<std::string>& a, const std::vector<std::string>& b);
double rouge_l_f(const std::string& a, const std::string& b);

// Keeps texts whose ROUGE-L F against every kept text is <= threshold.
class NearDuplicateFilter {
 public:
  explicit NearDuplicateFilter(double threshold) : threshold_(threshold) {}
  bool keep(const std::string& text);  // true (and remembered) when not a near duplicate
 private:
  double threshold_;
  std::vector<std::vector<std::string>> kept_;
};

}  // namespace cf::synth
