#include "synth/segment/builtin_segmenter.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "synth/segment/felzenszwalb.h"
#include "synth/segment/grouping.h"
#include "synth/segment/mask_ops.h"

namespace cf::segment {
namespace {

// SAM-style stability of a region: soft map tau - |lab(x) - mean| over its box grown by half.
float colour_stability(const cv::Mat& lab, const cv::Rect& box, const cv::Vec3d& mean,
                       const BuiltinOptions& o) {
  const cv::Rect grown = cv::Rect(box.x - box.width / 4, box.y - box.height / 4,
                                  box.width + box.width / 2 + 1, box.height + box.height / 2 + 1) &
                         cv::Rect(0, 0, lab.cols, lab.rows);
  cv::Mat soft(grown.size(), CV_32FC1);
  for (int y = 0; y < grown.height; ++y) {
    const cv::Vec3f* c = lab.ptr<cv::Vec3f>(grown.y + y) + grown.x;
    float* s = soft.ptr<float>(y);
    for (int x = 0; x < grown.width; ++x)
      s[x] = static_cast<float>(o.stability_tau - cv::norm(cv::Vec3d(c[x][0], c[x][1], c[x][2]) - mean));
  }
  return stability_score(soft, 0.0f, static_cast<float>(o.stability_offset));
}

}  // namespace

std::vector<Region> BuiltinSegmenter::segment(const cv::Mat& bgr) {
  CV_Assert(bgr.type() == CV_8UC3 && !bgr.empty());
  const int H = bgr.rows, W = bgr.cols;
  const double scale = std::min(1.0, static_cast<double>(opt_.max_side) / std::max(H, W));
  cv::Mat small = bgr;
  if (scale < 1.0)
    cv::resize(bgr, small, cv::Size(std::max(1, static_cast<int>(std::lround(W * scale))),
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
  n = merge_similar(labels, lab, n, opt_.merge_distance);
  const double work_total = static_cast<double>(labels.total());
  GroupingOptions g;
  g.color_scale = opt_.group_color_scale;
  g.growth = opt_.group_growth;
  g.min_area = static_cast<int64_t>(std::ceil(opt_.min_area_fraction * work_total));
  g.max_area = static_cast<int64_t>(std::floor(opt_.max_area_fraction * work_total));
  const auto groups = group_hierarchy(labels, lab, n, g);

  // Full-resolution label map and leaf boxes.
  cv::Mat full = labels;
  if (labels.size() != bgr.size()) cv::resize(labels, full, bgr.size(), 0, 0, cv::INTER_NEAREST);
  std::vector<int> x0(n, W), y0(n, H), x1(n, -1), y1(n, -1);
  for (int y = 0; y < H; ++y) {
    const int* l = full.ptr<int>(y);
    for (int x = 0; x < W; ++x) {
      const int r = l[x];
      x0[r] = std::min(x0[r], x), x1[r] = std::max(x1[r], x), y0[r] = std::min(y0[r], y), y1[r] = std::max(y1[r], y);
    }
  }
  std::vector<Region> out;
  std::vector<uint8_t> member(static_cast<size_t>(n), 0);
  for (const Group& grp : groups) {
    cv::Rect roi;
    for (int l : grp.leaves)
      if (x1[l] >= 0) roi |= cv::Rect(x0[l], y0[l], x1[l] - x0[l] + 1, y1[l] - y0[l] + 1);
    if (roi.area() == 0) continue;
    for (int l : grp.leaves) member[static_cast<size_t>(l)] = 1;
    cv::Mat mask(roi.size(), CV_8UC1);
    for (int y = 0; y < roi.height; ++y) {
      const int* l = full.ptr<int>(roi.y + y) + roi.x;
      uint8_t* m = mask.ptr<uint8_t>(y);
      for (int x = 0; x < roi.width; ++x) m[x] = member[static_cast<size_t>(l[x])];
    }
    for (int l : grp.leaves) member[static_cast<size_t>(l)] = 0;
    Region reg;
    reg.rle = rle_encode_roi(mask, roi, H, W);
    reg.predicted_iou = static_cast<float>(grp.contrast / (grp.contrast + opt_.contrast_scale));
    const cv::Rect sbox(static_cast<int>(roi.x * scale), static_cast<int>(roi.y * scale),
                        std::max(1, static_cast<int>(roi.width * scale)), std::max(1, static_cast<int>(roi.height * scale)));
    reg.stability_score = colour_stability(lab, sbox, grp.mean, opt_);
    out.push_back(std::move(reg));
  }
  return out;
}

}  // namespace cf::segment
