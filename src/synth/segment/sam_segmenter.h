// The SAM backend: SAM's automatic mask generation (segment_anything's
// SamAutomaticMaskGenerator) in C++, over two TorchScript modules exported by the user.
//
// Module signatures (docs/stages/segment.md has an export recipe):
//  - image encoder: forward(image: float 1x3xSxS) -> embeddings (any tensor, e.g. 1x256x64x64).
//    The image is RGB, resized so its longest side is S (sam.image_size, 1024), normalized with
//    SAM's pixel mean/std, zero-padded at the bottom/right to SxS.
//  - mask decoder (prompt encoder + mask decoder): forward(embeddings, point_coords: float Bx1x2,
//    point_labels: int Bx1) -> (masks: float Bx3xhxw low-res logits covering the padded SxS
//    input, iou_predictions: float Bx3). Coordinates are (x, y) pixels of the resized image,
//    labels are 1 (foreground point), as SamPredictor.predict_torch takes them.
// Torch stays inside the backend's .cpp files; this header and the AMG logic are torch-free.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "synth/segment/segmenter.h"

namespace cf::segment {

struct SamOptions {
  std::string image_encoder, mask_decoder;  // TorchScript files
  int image_size = 1024;
  int points_per_side = 32;
  int points_per_batch = 64;
  double pred_iou_thresh = 0.88;
  double stability_score_thresh = 0.95;
  double stability_score_offset = 1.0;
  double mask_threshold = 0.0;
  double box_nms_thresh = 0.7;
  int crop_n_layers = 0;
  double crop_nms_thresh = 0.7;
  double crop_overlap_ratio = 512.0 / 1500.0;
  int crop_n_points_downscale_factor = 1;
  int64_t min_mask_region_area = 0;
  int threads = 1;  // torch intra-op threads
};

// Masks of a batch of point prompts on one image (crop): for prompt i and candidate j,
// logits[i * per_prompt + j] is a CV_32FC1 map at the crop's size and iou[...] its predicted
// IoU (SAM: 3 candidates per prompt). Candidates whose predicted IoU is <= `min_iou` may be
// left empty (not upsampled).
struct PromptMasks {
  int per_prompt = 3;
  std::vector<cv::Mat> logits;
  std::vector<float> iou;
};

// A prompt-able model: the TorchScript pair, or a stand-in in tests.
class PromptModel {
 public:
  virtual ~PromptModel() = default;
  virtual void set_image(const cv::Mat& rgb) = 0;  // 8-bit RGB crop
  // points: (x, y) pixels of the crop set last.
  virtual PromptMasks predict(const std::vector<cv::Point2f>& points, float min_iou) = 0;
};

// The TorchScript pair (sam_model.cpp, library cf_synth_segment_sam: LibTorch). Executables that
// link it register it, so that cf_synth_segment itself does not load LibTorch (job/torch_twin.h).
std::unique_ptr<PromptModel> load_sam_model(const SamOptions& options);  // throws ConfigError
using SamModelLoader = std::unique_ptr<PromptModel> (*)(const SamOptions& options);
void register_sam_model_loader(SamModelLoader loader);
// The registered loader's model; ConfigError when this executable registered none.
std::unique_ptr<PromptModel> load_registered_sam_model(const SamOptions& options);

// Automatic mask generation over any PromptModel (the image is 8-bit BGR).
std::vector<Region> generate_masks(PromptModel& model, const cv::Mat& bgr, const SamOptions& opt);

// SAM's helpers, exposed for tests: the normalized point grid of a layer and the crop boxes
// (x0, y0, x1, y1) with their layer index.
std::vector<cv::Point2f> build_point_grid(int n_per_side);
std::vector<std::pair<cv::Vec4i, int>> generate_crop_boxes(int height, int width, int n_layers, double overlap_ratio);

class SamSegmenter : public Segmenter {
 public:
  explicit SamSegmenter(SamOptions options) : opt_(std::move(options)), model_(load_registered_sam_model(opt_)) {}
  std::vector<Region> segment(const cv::Mat& bgr) override { return generate_masks(*model_, bgr, opt_); }
  bool thread_safe() const override { return false; }

 private:
  SamOptions opt_;
  std::unique_ptr<PromptModel> model_;
};

}  // namespace cf::segment
