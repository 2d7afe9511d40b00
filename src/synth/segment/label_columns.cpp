#include "synth/segment/label_columns.h"

#include <algorithm>

namespace cf::segment {

LabelColumns::LabelColumns(const cv::Mat& labels) : height_(labels.rows), width_(labels.cols) {
  CV_Assert(labels.type() == CV_32SC1);
  cv::Mat t;
  cv::transpose(labels, t);  // columns become contiguous rows
  first_.reserve(static_cast<size_t>(width_) + 1);
  for (int x = 0; x < width_; ++x) {
    first_.push_back(runs_.size());
    const int* p = t.ptr<int>(x);
    for (int y = 0; y < height_;) {
      int e = y + 1;
      while (e < height_ && p[e] == p[y]) ++e;
      runs_.push_back({p[y], e - y});
      y = e;
    }
  }
  first_.push_back(runs_.size());
}

std::vector<cv::Rect> LabelColumns::boxes(int n) const {
  std::vector<int> x0(static_cast<size_t>(n), width_), y0(static_cast<size_t>(n), height_);
  std::vector<int> x1(static_cast<size_t>(n), -1), y1(static_cast<size_t>(n), -1);
  for (int x = 0; x < width_; ++x) {
    int y = 0;
    for (size_t i = first_[static_cast<size_t>(x)]; i < first_[static_cast<size_t>(x) + 1]; ++i) {
      const size_t l = static_cast<size_t>(runs_[i].label);
      x0[l] = std::min(x0[l], x), x1[l] = std::max(x1[l], x);
      y0[l] = std::min(y0[l], y), y1[l] = std::max(y1[l], y + runs_[i].length - 1);
      y += runs_[i].length;
    }
  }
  std::vector<cv::Rect> out(static_cast<size_t>(n));
  for (size_t l = 0; l < out.size(); ++l)
    if (x1[l] >= 0) out[l] = cv::Rect(x0[l], y0[l], x1[l] - x0[l] + 1, y1[l] - y0[l] + 1);
  return out;
}

synth::Rle LabelColumns::encode(const std::vector<uint8_t>& member, int x0, int x1) const {
  CV_Assert(0 <= x0 && x0 <= x1 && x1 <= width_);
  synth::RleBuilder b(height_, width_);
  b.add(false, static_cast<uint32_t>(x0) * static_cast<uint32_t>(height_));
  for (size_t i = first_[static_cast<size_t>(x0)]; i < first_[static_cast<size_t>(x1)]; ++i)
    b.add(member[static_cast<size_t>(runs_[i].label)] != 0, static_cast<uint32_t>(runs_[i].length));
  b.add(false, static_cast<uint32_t>(width_ - x1) * static_cast<uint32_t>(height_));
  return b.finish();
}

}  // namespace cf::segment
