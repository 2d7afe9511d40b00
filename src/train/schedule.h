// Learning-rate schedule: linear warmup over ceil(warmup_ratio * total) steps, then cosine
// decay to min_ratio * lr at `total` steps (HF get_cosine_schedule_with_warmup, with a floor).
#pragma once
#include <cstdint>

namespace cf {

struct Schedule {
  double lr = 1e-6;
  int64_t total_steps = 1;
  double warmup_ratio = 0.01;
  double min_ratio = 0.0;
  int64_t warmup_steps() const;
  double at(int64_t step) const;  // lr for the optimizer step with 0-based index `step`
};

}  // namespace cf
