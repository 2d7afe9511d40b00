#include "synth/retrieve/proposal_exemplars.h"

#include <map>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "synth/segment/builtin_segmenter.h"

namespace cf::retrieve {

std::vector<LabeledVector> proposal_exemplars(const ExemplarImage& unit, const Embedder& embedder,
                                              const ProposalOptions& opt) {
  const cv::Mat image = cv::imread(unit.image_path, cv::IMREAD_COLOR);
  if (image.empty()) throw Error("cannot read image '" + unit.image_path + "'");
  const cv::Mat raw = unit.mask_path.empty() ? cv::Mat() : cv::imread(unit.mask_path, cv::IMREAD_UNCHANGED);
  if (raw.empty() || raw.size() != image.size() || raw.channels() != 1)
    throw Error("proposal exemplars need the instance mask of '" + unit.image_path + "' ('" + unit.mask_path + "')");
  cv::Mat ids;
  raw.convertTo(ids, CV_32S);
  std::map<int, const ExemplarObject*> by_id;
  std::map<int, int64_t> id_area;
  for (const auto& o : unit.objects) by_id[o.instance_id] = &o;
  for (int y = 0; y < ids.rows; ++y)
    for (int x = 0; x < ids.cols; ++x) ++id_area[ids.at<int>(y, x)];
  segment::BuiltinSegmenter seg{segment::BuiltinOptions{}};  // cf-segment's default settings
  const auto regions = seg.segment(image);
  std::vector<size_t> background;
  std::vector<LabeledVector> out;
  std::vector<cv::Mat> masks(regions.size());
  std::string base = unit.objects.empty() ? unit.image_path : unit.objects.front().source;
  base = base.substr(0, base.find('#'));
  for (size_t r = 0; r < regions.size(); ++r) {
    masks[r] = synth::rle_decode(regions[r].rle);
    std::map<int, int64_t> inter;
    int64_t area = 0;
    for (int y = 0; y < ids.rows; ++y) {
      const uint8_t* m = masks[r].ptr<uint8_t>(y);
      const int* l = ids.ptr<int>(y);
      for (int x = 0; x < ids.cols; ++x)
        if (m[x]) ++inter[l[x]], ++area;
    }
    if (area == 0) continue;
    const double on_objects = 1.0 - static_cast<double>(inter[0]) / static_cast<double>(area);
    if (on_objects <= opt.background_overlap) {
      background.push_back(r);
      continue;
    }
    for (const auto& [id, n] : inter) {
      auto o = by_id.find(id);
      if (id == 0 || o == by_id.end()) continue;
      const double iou = static_cast<double>(n) / static_cast<double>(area + id_area[id] - n);
      if (iou < opt.positive_iou) continue;
      out.push_back({o->second->label, base + "#r" + std::to_string(r),
                     embedder.embed(Region{image, masks[r], cv::boundingRect(masks[r])})});
      break;  // IoU >= 0.5 holds for one object at most
    }
  }
  const size_t nb = std::min(background.size(), static_cast<size_t>(std::max(0, opt.max_background)));
  for (size_t k = 0; k < nb; ++k) {
    const size_t r = background[k * background.size() / nb];
    out.push_back({opt.background_label, base + "#r" + std::to_string(r),
                   embedder.embed(Region{image, masks[r], cv::boundingRect(masks[r])})});
  }
  return out;
}

}  // namespace cf::retrieve
