#include "train/schedule.h"

#include <algorithm>
#include <cmath>

namespace cf {

int64_t Schedule::warmup_steps() const {
  return static_cast<int64_t>(std::ceil(warmup_ratio * static_cast<double>(total_steps)));
}

double Schedule::at(int64_t step) const {
  const int64_t w = warmup_steps();
  if (step < w) return lr * static_cast<double>(step + 1) / static_cast<double>(w + 1);
  const double progress = static_cast<double>(step - w) / static_cast<double>(std::max<int64_t>(1, total_steps - w));
  const double cosine = 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, progress)));
  return lr * (min_ratio + (1.0 - min_ratio) * cosine);
}

}  // namespace cf
