// Word-level text metrics shared by stages and evaluation: tokens (lower-case runs of [a-z0-9])
// and ROUGE-L (longest common subsequence over tokens), F = 2 P R / (P + R).
#pragma once
#include <string>
#include <vector>

namespace cf {

std::vector<std::string> rouge_tokens(const std::string& text);
size_t lcs_length(const std::vector<std::string>& a, const std::vector<std::string>& b);
// ROUGE-L F of two token lists / texts; 0 when either is empty.
double rouge_l_f(const std::vector<std::string>& a, const std::vector<std::string>& b);
double rouge_l_f(const std::string& a, const std::string& b);

}  // namespace cf
