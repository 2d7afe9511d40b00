#include "synth/qa/rouge.h"

namespace cf::synth {

bool NearDuplicateFilter::keep(const std::string& text) {
  auto t = rouge_tokens(text);
  for (const auto& k : kept_)
    if (rouge_l_f(k, t) > threshold_) return false;
  kept_.push_back(std::move(t));
  return true;
}

}  // namespace cf::synth
