#include "synth/segment/builtin_segmenter.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <opencv2/imgproc.hpp>

#include "synth/segment/felzenszwalb.h"
#include "synth/segment/grouping.h"
#include "synth/segment/label_columns.h"
#include "synth/segment/mask_ops.h"

namespace cf::segment {
namespace {

// SAM-style stability of a region: soft map tau - |lab(x) - mean| over its box grown by half,
// thresholded at 0 +- offset; counted on squared distances with squared_distance_bound().
float colour_stability(const cv::Mat& lab, const cv::Rect& box, const cv::Vec3d& mean, double bound_hi,
                       double bound_lo) {
  const cv::Rect grown = cv::Rect(box.x - box.width / 4, box.y - box.height / 4, box.width + box.width / 2 + 1,
                                  box.height + box.height / 2 + 1) &
                         cv::Rect(0, 0, lab.cols, lab.rows);
  int64_t inter = 0, uni = 0;
  for (int y = 0; y < grown.height; ++y) {
    const cv::Vec3f* c = lab.ptr<cv::Vec3f>(grown.y + y) + grown.x;
    for (int x = 0; x < grown.width; ++x) {
      const double q = cv::norm(cv::Vec3d(c[x][0], c[x][1], c[x][2]) - mean, cv::NORM_L2SQR);
      inter += q < bound_hi;
      uni += q < bound_lo;
    }
  }
  return uni == 0 ? 0.0f : static_cast<float>(static_cast<double>(inter) / static_cast<double>(uni));
}

}  // namespace

std::vector<Region> BuiltinSegmenter::segment(const cv::Mat& bgr) {
  CV_Assert(bgr.type() == CV_8UC3 && !bgr.empty());
  const int H = bgr.rows, W = bgr.cols;
  const double scale = std::min(1.0, static_cast<double>(opt_.max_side) / std::max(H, W));
  cv::Mat small = bgr;
  if (scale < 1.0)
    cv::resize(bgr, small,
               cv::Size(std::max(1, static_cast<int>(std::lround(W * scale))),
                        std::max(1, static_cast<int>(std::lround(H * scale)))),
               0, 0, cv::INTER_AREA);
  cv::Mat lab8, lab;
  cv::cvtColor(small, lab8, cv::COLOR_BGR2Lab);
  if (opt_.clahe_clip > 0) {  // local contrast of L: separates objects from fog, haze, night
    std::vector<cv::Mat> ch;
    cv::split(lab8, ch);
    cv::createCLAHE(opt_.clahe_clip, cv::Size(opt_.clahe_tiles, opt_.clahe_tiles))->apply(ch[0], ch[0]);
    cv::merge(ch, lab8);
  }
  lab8.convertTo(lab, CV_32FC3);
  if (opt_.sigma > 0) cv::GaussianBlur(lab, lab, cv::Size(0, 0), opt_.sigma);

  int n = 0;
  cv::Mat labels = felzenszwalb(lab, opt_.k, opt_.min_size, &n);
  Adjacency adj = label_adjacency(labels, n);
  n = merge_similar(labels, adj, lab, n, opt_.merge_distance);
  const double work_total = static_cast<double>(labels.total());
  GroupingOptions g;
  g.color_scale = opt_.group_color_scale;
  g.growth = opt_.group_growth;
  g.min_area = static_cast<int64_t>(std::ceil(opt_.min_area_fraction * work_total));
  g.max_area = static_cast<int64_t>(std::floor(opt_.max_area_fraction * work_total));
  const auto groups = group_hierarchy(labels, adj, lab, n, g);

  // Full-resolution label map, as column runs: leaf boxes and region RLEs come from the runs.
  cv::Mat full = labels;
  if (labels.size() != bgr.size()) cv::resize(labels, full, bgr.size(), 0, 0, cv::INTER_NEAREST);
  const LabelColumns columns(full);
  const std::vector<cv::Rect> leaf_box = columns.boxes(n);
  std::vector<Region> out;
  std::vector<uint8_t> member(static_cast<size_t>(n), 0);
  const float offset = static_cast<float>(opt_.stability_offset);
  const double bound_hi = squared_distance_bound(opt_.stability_tau, 0.0f + offset);
  const double bound_lo = squared_distance_bound(opt_.stability_tau, 0.0f - offset);
  for (const Group& grp : groups) {
    cv::Rect roi;
    for (int l : grp.leaves) roi |= leaf_box[static_cast<size_t>(l)];
    if (roi.area() == 0) continue;
    for (int l : grp.leaves) member[static_cast<size_t>(l)] = 1;
    Region reg;
    reg.rle = columns.encode(member, roi.x, roi.x + roi.width);
    for (int l : grp.leaves) member[static_cast<size_t>(l)] = 0;
    reg.predicted_iou = static_cast<float>(grp.contrast / (grp.contrast + opt_.contrast_scale));
    const cv::Rect sbox(static_cast<int>(roi.x * scale), static_cast<int>(roi.y * scale),
                        std::max(1, static_cast<int>(roi.width * scale)),
                        std::max(1, static_cast<int>(roi.height * scale)));
    reg.stability_score = colour_stability(lab, sbox, grp.mean, bound_hi, bound_lo);
    out.push_back(std::move(reg));
  }
  return out;
}

}  // namespace cf::segment
