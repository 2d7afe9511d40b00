#include "synth/segment/segmenter.h"

#include <filesystem>

#include "core/error.h"
#include "synth/segment/builtin_segmenter.h"
#include "synth/segment/sam_segmenter.h"

namespace cf::segment {

void declare_segmenter_config(ConfigSchema& c) {
  c.add_string("segment.backend", "builtin",
               "builtin: colour graph segmentation, no weights; sam: TorchScript SAM (sam.*)", {"builtin", "sam"});
  const BuiltinOptions b;
  c.add_int("builtin.max_side", b.max_side, "Working resolution: longest side, pixels", 16, 16384);
  c.add_float("builtin.clahe_clip", b.clahe_clip,
              "CLAHE clip limit on the L channel (local contrast for fog, haze, night); 0 = off", 0, 100);
  c.add_int("builtin.clahe_tiles", b.clahe_tiles, "CLAHE tiles per side", 1, 64);
  c.add_float("builtin.sigma", b.sigma, "Gaussian smoothing (working pixels) before graph segmentation", 0, 20);
  c.add_float("builtin.k", b.k, "Felzenszwalb scale k: larger gives larger segments", 1, 1e6);
  c.add_int("builtin.min_size", b.min_size, "Smallest graph segment, working pixels", 1, 1e8);
  c.add_float("builtin.merge_distance", b.merge_distance,
              "Merge adjacent segments whose mean Lab colours (8-bit scale) are closer than this", 0, 500);
  c.add_float("builtin.group_color_scale", b.group_color_scale,
              "Hierarchical grouping: colour similarity is 1 - Lab distance / this (small: group by size and fill)",
              1e-6, 1e9);
  c.add_float("builtin.group_growth", b.group_growth,
              "A merged group is a region when its area is >= this x the largest region inside it", 1, 100);
  c.add_float("builtin.min_area_fraction", b.min_area_fraction, "Drop regions smaller than this fraction of the image",
              0, 1);
  c.add_float("builtin.max_area_fraction", b.max_area_fraction,
              "Drop regions larger than this fraction of the image (sky, road, buildings)", 0, 1);
  c.add_float("builtin.contrast_scale", b.contrast_scale,
              "predicted_iou = c / (c + contrast_scale), c = mean Lab contrast to the neighbours", 1e-6, 1e6);
  c.add_float("builtin.stability_tau", b.stability_tau, "Soft map tau - |lab - region mean| used for stability_score",
              0, 500);
  c.add_float("builtin.stability_offset", b.stability_offset, "stability_score thresholds the soft map at +-offset", 0,
              500);
  const SamOptions s;
  c.add_string("sam.image_encoder", "", "TorchScript image encoder (1x3xSxS normalized -> embeddings)");
  c.add_string("sam.mask_decoder", "",
               "TorchScript prompt+mask decoder ((embeddings, coords Bx1x2, labels Bx1) -> (masks Bx3xhxw, iou Bx3))");
  c.add_int("sam.image_size", s.image_size, "Encoder input side S (SAM: 1024)", 16, 8192);
  c.add_int("sam.points_per_side", s.points_per_side, "Point grid per side", 1, 1024);
  c.add_int("sam.points_per_batch", s.points_per_batch, "Prompts per decoder call", 1, 4096);
  c.add_float("sam.pred_iou_thresh", s.pred_iou_thresh, "Keep masks with predicted IoU above this", 0, 1);
  c.add_float("sam.stability_score_thresh", s.stability_score_thresh, "Keep masks with stability >= this", 0, 1);
  c.add_float("sam.stability_score_offset", s.stability_score_offset, "Logit offset of the stability score", 0, 100);
  c.add_float("sam.mask_threshold", s.mask_threshold, "Logit threshold of a mask", -100, 100);
  c.add_float("sam.box_nms_thresh", s.box_nms_thresh, "Box IoU threshold of NMS within a crop", 0, 1);
  c.add_int("sam.crop_n_layers", s.crop_n_layers, "Crop layers (0: whole image only)", 0, 4);
  c.add_float("sam.crop_nms_thresh", s.crop_nms_thresh, "Box IoU threshold of NMS across crops", 0, 1);
  c.add_float("sam.crop_overlap_ratio", s.crop_overlap_ratio, "Crop overlap, fraction of the short side", 0, 1);
  c.add_int("sam.crop_n_points_downscale_factor", s.crop_n_points_downscale_factor,
            "Points per side are divided by this**layer in crop layers", 1, 64);
  c.add_int("sam.min_mask_region_area", s.min_mask_region_area,
            "Remove holes and islands smaller than this (pixels); 0 = off", 0, 1e9);
}

std::unique_ptr<Segmenter> make_segmenter(const Config& c, int threads) {
  if (c.get_string("segment.backend") == "builtin") {
    BuiltinOptions b;
    b.max_side = static_cast<int>(c.get_int("builtin.max_side"));
    b.clahe_clip = c.get_float("builtin.clahe_clip");
    b.clahe_tiles = static_cast<int>(c.get_int("builtin.clahe_tiles"));
    b.sigma = c.get_float("builtin.sigma");
    b.k = c.get_float("builtin.k");
    b.min_size = static_cast<int>(c.get_int("builtin.min_size"));
    b.merge_distance = c.get_float("builtin.merge_distance");
    b.group_color_scale = c.get_float("builtin.group_color_scale");
    b.group_growth = c.get_float("builtin.group_growth");
    b.min_area_fraction = c.get_float("builtin.min_area_fraction");
    b.max_area_fraction = c.get_float("builtin.max_area_fraction");
    b.contrast_scale = c.get_float("builtin.contrast_scale");
    b.stability_tau = c.get_float("builtin.stability_tau");
    b.stability_offset = c.get_float("builtin.stability_offset");
    return std::make_unique<BuiltinSegmenter>(b);
  }
  SamOptions s;
  s.image_encoder = c.get_string("sam.image_encoder");
  s.mask_decoder = c.get_string("sam.mask_decoder");
  for (const char* key : {"sam.image_encoder", "sam.mask_decoder"}) {
    const std::string& p = c.get_string(key);
    if (p.empty()) throw ConfigError(std::string(key) + " must name a TorchScript file when segment.backend = \"sam\"");
    if (!std::filesystem::is_regular_file(p)) throw ConfigError(std::string(key) + " '" + p + "' is not a file");
  }
  s.image_size = static_cast<int>(c.get_int("sam.image_size"));
  s.points_per_side = static_cast<int>(c.get_int("sam.points_per_side"));
  s.points_per_batch = static_cast<int>(c.get_int("sam.points_per_batch"));
  s.pred_iou_thresh = c.get_float("sam.pred_iou_thresh");
  s.stability_score_thresh = c.get_float("sam.stability_score_thresh");
  s.stability_score_offset = c.get_float("sam.stability_score_offset");
  s.mask_threshold = c.get_float("sam.mask_threshold");
  s.box_nms_thresh = c.get_float("sam.box_nms_thresh");
  s.crop_n_layers = static_cast<int>(c.get_int("sam.crop_n_layers"));
  s.crop_nms_thresh = c.get_float("sam.crop_nms_thresh");
  s.crop_overlap_ratio = c.get_float("sam.crop_overlap_ratio");
  s.crop_n_points_downscale_factor = static_cast<int>(c.get_int("sam.crop_n_points_downscale_factor"));
  s.min_mask_region_area = c.get_int("sam.min_mask_region_area");
  s.threads = threads;
  return std::make_unique<SamSegmenter>(s);
}

}  // namespace cf::segment
