// ROUGE-L on word tokens (core/text_metrics.h), and the near-duplicate filter Self-Instruct
// uses to drop near-duplicate instructions.
#pragma once
#include <string>
#include <vector>

#include "core/text_metrics.h"

namespace cf::synth {

using cf::lcs_length;
using cf::rouge_l_f;
using cf::rouge_tokens;

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
