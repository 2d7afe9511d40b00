// The TorchScript SAM pair behind PromptModel: SamPredictor's preprocessing (ResizeLongestSide,
// normalization, padding), the decoder call, and postprocess_masks (upsampling the low-res
// logits to the padded input, cropping the padding, resizing to the crop).
#include <ATen/Parallel.h>
#include <torch/script.h>

#include <cstring>

#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "synth/segment/sam_segmenter.h"

namespace cf::segment {
namespace {

torch::jit::Module load_module(const std::string& key, const std::string& path) {
  try {
    auto m = torch::jit::load(path, torch::kCPU);
    m.eval();
    return m;
  } catch (const std::exception& e) {
    throw ConfigError(key + " '" + path +
                      "' is not a loadable TorchScript module: " + std::string(e.what()).substr(0, 300));
  }
}

class TorchSamModel : public PromptModel {
 public:
  explicit TorchSamModel(const SamOptions& o)
      : size_(o.image_size),
        encoder_(load_module("sam.image_encoder", o.image_encoder)),
        decoder_(load_module("sam.mask_decoder", o.mask_decoder)) {
    at::set_num_threads(std::max(1, o.threads));
  }

  void set_image(const cv::Mat& rgb) override {
    torch::InferenceMode guard;
    crop_h_ = rgb.rows;
    crop_w_ = rgb.cols;
    const double scale = static_cast<double>(size_) / std::max(crop_h_, crop_w_);  // ResizeLongestSide
    in_h_ = static_cast<int>(crop_h_ * scale + 0.5);
    in_w_ = static_cast<int>(crop_w_ * scale + 0.5);
    cv::Mat resized;
    cv::resize(rgb, resized, cv::Size(in_w_, in_h_), 0, 0, cv::INTER_LINEAR);
    auto x = torch::from_blob(resized.data, {in_h_, in_w_, 3}, torch::kUInt8).permute({2, 0, 1}).to(torch::kFloat32);
    const auto mean = torch::tensor({123.675f, 116.28f, 103.53f}).view({3, 1, 1});
    const auto std = torch::tensor({58.395f, 57.12f, 57.375f}).view({3, 1, 1});
    x = at::constant_pad_nd((x - mean) / std, {0, size_ - in_w_, 0, size_ - in_h_}, 0).unsqueeze(0);
    try {
      embeddings_ = encoder_.forward({x}).toTensor();
    } catch (const std::exception& e) {
      throw Error("sam.image_encoder failed on a 1x3x" + std::to_string(size_) + "x" + std::to_string(size_) +
                  " input: " + std::string(e.what()).substr(0, 300));
    }
  }

  PromptMasks predict(const std::vector<cv::Point2f>& points, float min_iou) override {
    torch::InferenceMode guard;
    const int64_t b = static_cast<int64_t>(points.size());
    auto coords = torch::empty({b, 1, 2}, torch::kFloat32);
    auto acc = coords.accessor<float, 3>();
    for (int64_t i = 0; i < b; ++i) {  // ResizeLongestSide.apply_coords
      acc[i][0][0] = points[static_cast<size_t>(i)].x * (static_cast<float>(in_w_) / static_cast<float>(crop_w_));
      acc[i][0][1] = points[static_cast<size_t>(i)].y * (static_cast<float>(in_h_) / static_cast<float>(crop_h_));
    }
    const auto labels = torch::ones({b, 1}, torch::kInt32);
    torch::Tensor masks, iou;
    try {
      auto out = decoder_.forward({embeddings_, coords, labels}).toTuple();
      masks = out->elements().at(0).toTensor().to(torch::kFloat32);
      iou = out->elements().at(1).toTensor().to(torch::kFloat32);
    } catch (const std::exception& e) {
      throw Error("sam.mask_decoder failed: " + std::string(e.what()).substr(0, 300));
    }
    if (masks.dim() != 4 || masks.size(0) != b || iou.dim() != 2 || iou.size(0) != b || iou.size(1) != masks.size(1))
      throw Error("sam.mask_decoder returned masks " + shape(masks) + " and iou " + shape(iou) + " for " +
                  std::to_string(b) + " prompts; expected Bx3xhxw and Bx3");
    PromptMasks pm;
    pm.per_prompt = static_cast<int>(masks.size(1));
    iou = iou.flatten().contiguous();
    pm.iou.assign(iou.data_ptr<float>(), iou.data_ptr<float>() + iou.numel());
    pm.logits.resize(pm.iou.size());
    std::vector<int64_t> sel;
    for (size_t k = 0; k < pm.iou.size(); ++k)
      if (!(pm.iou[k] <= min_iou)) sel.push_back(static_cast<int64_t>(k));
    if (sel.empty()) return pm;
    // postprocess_masks on the selected candidates only (the others are filtered anyway).
    auto low = masks.flatten(0, 1).index_select(0, torch::tensor(sel)).unsqueeze(1);
    auto up = at::upsample_bilinear2d(low, {size_, size_}, false);
    up = up.index({torch::indexing::Slice(), torch::indexing::Slice(), torch::indexing::Slice(0, in_h_),
                   torch::indexing::Slice(0, in_w_)});
    up = at::upsample_bilinear2d(up, {crop_h_, crop_w_}, false).contiguous();
    for (size_t i = 0; i < sel.size(); ++i) {
      cv::Mat m(crop_h_, crop_w_, CV_32FC1);
      std::memcpy(m.data, up[static_cast<int64_t>(i)].data_ptr<float>(), sizeof(float) * crop_h_ * crop_w_);
      pm.logits[static_cast<size_t>(sel[i])] = m;
    }
    return pm;
  }

 private:
  static std::string shape(const torch::Tensor& t) {
    std::string s;
    for (int64_t d : t.sizes()) s += (s.empty() ? "" : "x") + std::to_string(d);
    return s.empty() ? "scalar" : s;
  }

  int size_;
  torch::jit::Module encoder_, decoder_;
  torch::Tensor embeddings_;
  int crop_h_ = 0, crop_w_ = 0, in_h_ = 0, in_w_ = 0;
};

}  // namespace

std::unique_ptr<PromptModel> load_sam_model(const SamOptions& options) {
  return std::make_unique<TorchSamModel>(options);
}

}  // namespace cf::segment
