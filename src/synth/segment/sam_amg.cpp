// SAM's automatic mask generation (segment_anything/automatic_mask_generator.py), torch-free:
// the model runs behind PromptModel; everything else follows SAM step by step.
#include "synth/segment/sam_segmenter.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "synth/segment/mask_ops.h"

namespace cf::segment {
namespace {

struct Candidate {
  Rle rle;
  BoxXyxy box;  // image coordinates, inclusive max (SAM's batched_mask_to_box)
  float iou = 0, stability = 0;
  cv::Vec4i crop;
};

// SAM's is_box_near_crop_edge (atol 20): a side near the crop's edge but not the image's.
bool near_crop_edge(const BoxXyxy& box, const cv::Vec4i& crop, int width, int height) {
  const float orig[4] = {0, 0, static_cast<float>(width), static_cast<float>(height)};
  for (int k = 0; k < 4; ++k)
    if (std::fabs(box[k] - static_cast<float>(crop[k])) <= 20.0f && std::fabs(box[k] - orig[k]) > 20.0f) return true;
  return false;
}

std::vector<Candidate> select(std::vector<Candidate> v, const std::vector<size_t>& keep) {
  std::vector<Candidate> out;
  for (size_t i : keep) out.push_back(std::move(v[i]));
  return out;
}

std::vector<BoxXyxy> boxes_of(const std::vector<Candidate>& v) {
  std::vector<BoxXyxy> b;
  for (const auto& c : v) b.push_back(c.box);
  return b;
}

// One crop: point grid, batches of prompts, IoU and stability filters, NMS within the crop.
std::vector<Candidate> process_crop(PromptModel& model, const cv::Mat& rgb, const cv::Vec4i& crop,
                                    const std::vector<cv::Point2f>& grid, const SamOptions& opt) {
  const cv::Rect r(crop[0], crop[1], crop[2] - crop[0], crop[3] - crop[1]);
  model.set_image(rgb(r).clone());
  std::vector<Candidate> data;
  const size_t batch = static_cast<size_t>(std::max(1, opt.points_per_batch));
  for (size_t b = 0; b < grid.size(); b += batch) {
    std::vector<cv::Point2f> pts;
    for (size_t i = b; i < std::min(grid.size(), b + batch); ++i)
      pts.emplace_back(grid[i].x * static_cast<float>(r.width), grid[i].y * static_cast<float>(r.height));
    const PromptMasks pm = model.predict(pts, static_cast<float>(opt.pred_iou_thresh));
    for (size_t k = 0; k < pm.iou.size(); ++k) {
      if (opt.pred_iou_thresh > 0 && !(pm.iou[k] > opt.pred_iou_thresh)) continue;
      const cv::Mat& logits = pm.logits[k];
      CV_Assert(logits.type() == CV_32FC1 && logits.size() == r.size());
      const float stab = stability_score(logits, static_cast<float>(opt.mask_threshold),
                                         static_cast<float>(opt.stability_score_offset));
      if (opt.stability_score_thresh > 0 && !(stab >= opt.stability_score_thresh)) continue;
      cv::Mat bin = logits > opt.mask_threshold;
      BoxXyxy box = mask_box_xyxy(bin);
      box = {box[0] + crop[0], box[1] + crop[1], box[2] + crop[0], box[3] + crop[1]};
      if (near_crop_edge(box, crop, rgb.cols, rgb.rows)) continue;
      data.push_back({rle_encode_roi(bin, r, rgb.rows, rgb.cols), box, pm.iou[k], stab, crop});
    }
  }
  std::vector<float> scores;
  for (const auto& c : data) scores.push_back(c.iou);
  const auto keep = box_nms(boxes_of(data), scores, static_cast<float>(opt.box_nms_thresh));
  return select(std::move(data), keep);
}

// SAM's postprocess_small_regions: fill small holes, drop small islands, then NMS preferring
// masks that did not change.
std::vector<Candidate> remove_small(std::vector<Candidate> data, const SamOptions& opt) {
  std::vector<cv::Mat> masks;
  std::vector<float> scores;
  std::vector<BoxXyxy> boxes;
  for (const auto& c : data) {
    cv::Mat m = rle_decode(c.rle);
    const bool holes = remove_small_regions(m, opt.min_mask_region_area, SmallRegionMode::Holes);
    const bool islands = remove_small_regions(m, opt.min_mask_region_area, SmallRegionMode::Islands);
    scores.push_back(holes || islands ? 0.0f : 1.0f);
    boxes.push_back(mask_box_xyxy(m));
    masks.push_back(std::move(m));
  }
  const auto keep = box_nms(boxes, scores, static_cast<float>(std::max(opt.box_nms_thresh, opt.crop_nms_thresh)));
  for (size_t i : keep)
    if (scores[i] == 0.0f) {
      data[i].rle = rle_encode(masks[i]);
      data[i].box = boxes[i];
    }
  return select(std::move(data), keep);
}

}  // namespace

std::vector<cv::Point2f> build_point_grid(int n) {
  std::vector<cv::Point2f> pts;
  const double offset = 1.0 / (2.0 * n);
  std::vector<double> side(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    side[static_cast<size_t>(i)] = n == 1 ? offset : offset + i * (1.0 - 2.0 * offset) / (n - 1);
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      pts.emplace_back(static_cast<float>(side[static_cast<size_t>(x)]),
                       static_cast<float>(side[static_cast<size_t>(y)]));
  return pts;
}

std::vector<std::pair<cv::Vec4i, int>> generate_crop_boxes(int h, int w, int n_layers, double overlap_ratio) {
  std::vector<std::pair<cv::Vec4i, int>> out{{cv::Vec4i(0, 0, w, h), 0}};
  const int short_side = std::min(h, w);
  auto crop_len = [](int orig, int n, int overlap) {
    return static_cast<int>(std::ceil(static_cast<double>(overlap * (n - 1) + orig) / n));
  };
  for (int layer = 0; layer < n_layers; ++layer) {
    const int n = 1 << (layer + 1);
    const int overlap = static_cast<int>(overlap_ratio * short_side * (2.0 / n));
    const int cw = crop_len(w, n, overlap), ch = crop_len(h, n, overlap);
    for (int i = 0; i < n; ++i)  // x0 outer, y0 inner: itertools.product(x0s, y0s)
      for (int j = 0; j < n; ++j) {
        const int x0 = (cw - overlap) * i, y0 = (ch - overlap) * j;
        out.push_back({cv::Vec4i(x0, y0, std::min(x0 + cw, w), std::min(y0 + ch, h)), layer + 1});
      }
  }
  return out;
}

std::vector<Region> generate_masks(PromptModel& model, const cv::Mat& bgr, const SamOptions& opt) {
  CV_Assert(bgr.type() == CV_8UC3 && !bgr.empty());
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  const auto crops = generate_crop_boxes(rgb.rows, rgb.cols, opt.crop_n_layers, opt.crop_overlap_ratio);
  std::vector<Candidate> data;
  for (const auto& [crop, layer] : crops) {
    const int n = static_cast<int>(opt.points_per_side / std::pow(opt.crop_n_points_downscale_factor, layer));
    auto part = process_crop(model, rgb, crop, build_point_grid(std::max(1, n)), opt);
    for (auto& c : part) data.push_back(std::move(c));
  }
  if (crops.size() > 1) {  // across crops: prefer masks from larger crops
    std::vector<float> scores;
    for (const auto& c : data)
      scores.push_back(1.0f / static_cast<float>((c.crop[2] - c.crop[0]) * (c.crop[3] - c.crop[1])));
    const auto keep = box_nms(boxes_of(data), scores, static_cast<float>(opt.crop_nms_thresh));
    data = select(std::move(data), keep);
  }
  if (opt.min_mask_region_area > 0 && !data.empty()) data = remove_small(std::move(data), opt);
  std::vector<Region> out;
  for (auto& c : data) out.push_back({std::move(c.rle), c.iou, c.stability});
  return out;
}

namespace {
SamModelLoader sam_loader = nullptr;
}  // namespace

void register_sam_model_loader(SamModelLoader loader) { sam_loader = loader; }

std::unique_ptr<PromptModel> load_registered_sam_model(const SamOptions& options) {
  if (!sam_loader)
    throw ConfigError(
        "segment.backend = \"sam\" needs LibTorch: this executable was built without it "
        "(run cf-segment, which starts cf-segment-torch)");
  return sam_loader(options);
}

}  // namespace cf::segment
