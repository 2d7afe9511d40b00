#include "synth/retrieve/object_select.h"

#include <algorithm>

namespace cf::retrieve {

std::vector<uint8_t> select_objects(const std::vector<ObjectCandidate>& c, const ObjectOptions& opt) {
  std::vector<size_t> order;
  for (size_t i = 0; i < c.size(); ++i)
    if (c[i].known && c[i].score >= opt.min_score && c[i].background <= opt.max_background &&
        c[i].agreement >= opt.min_agreement && c[i].box.area() > 0)
      order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (c[a].score != c[b].score) return c[a].score > c[b].score;
    return c[a].area > c[b].area;
  });
  std::vector<uint8_t> keep(c.size(), 0);
  std::vector<size_t> kept;
  for (size_t i : order) {
    bool drop = false;
    for (size_t k : kept) {
      const double inter = (c[i].box & c[k].box).area();
      const double a = c[i].box.area(), b = c[k].box.area();
      if (inter / (a + b - inter) >= opt.nms_iou || inter / std::min(a, b) >= opt.containment) {
        drop = true;
        break;
      }
    }
    if (drop) continue;
    kept.push_back(i);
    keep[i] = 1;
  }
  return keep;
}

}  // namespace cf::retrieve
