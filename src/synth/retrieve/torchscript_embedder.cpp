// The "torchscript" region embedder: a user's CLIP-style image encoder saved with
// torch.jit.save. The region's box, padded to a square with 10% context, is resized to 224x224,
// converted to RGB in [0, 1] and normalized with CLIP's mean/std; the module maps 1x3x224x224 to
// 1xD (or D), which is L2-normalized. Torch is included here only.
#include <torch/script.h>

#include <mutex>

#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "synth/retrieve/embedder.h"

namespace cf::retrieve {
namespace {

constexpr float kMean[3] = {0.48145466f, 0.4578275f, 0.40821073f};
constexpr float kStd[3] = {0.26862954f, 0.26130258f, 0.27577711f};

class TorchScriptEmbedder final : public Embedder {
 public:
  explicit TorchScriptEmbedder(const std::string& path) : path_(path) {
    try {
      module_ = torch::jit::load(path, torch::kCPU);
    } catch (const std::exception& e) {
      throw ConfigError("embed.module '" + path + "' cannot be loaded as TorchScript: " + e.what());
    }
    module_.eval();
    cv::Mat probe(224, 224, CV_8UC3, cv::Scalar(127, 127, 127));
    dim_ = static_cast<int>(run(probe).size());
  }
  std::string backend() const override { return "torchscript"; }
  int dim() const override { return dim_; }

  std::vector<float> embed(const Region& region) const override {
    const cv::Rect b = region_bounds(region);
    if (b.area() <= 0) throw Error("region has no mask pixels");
    const int side = static_cast<int>(std::max(b.width, b.height) * 1.1) + 1;
    const cv::Point c(b.x + b.width / 2, b.y + b.height / 2);
    cv::Rect sq(c.x - side / 2, c.y - side / 2, side, side);
    cv::Mat crop;  // out-of-image parts padded by replicating the border
    const cv::Rect img(0, 0, region.image.cols, region.image.rows);
    const cv::Rect in = sq & img;
    cv::copyMakeBorder(region.image(in), crop, in.y - sq.y, sq.br().y - in.br().y, in.x - sq.x, sq.br().x - in.br().x,
                       cv::BORDER_REPLICATE);
    cv::Mat resized;
    cv::resize(crop, resized, cv::Size(224, 224), 0, 0, cv::INTER_CUBIC);
    return run(resized);
  }

 private:
  std::vector<float> run(const cv::Mat& bgr224) const {
    torch::Tensor x = torch::empty({1, 3, 224, 224}, torch::kFloat32);
    auto acc = x.accessor<float, 4>();
    for (int y = 0; y < 224; ++y) {
      const auto* p = bgr224.ptr<cv::Vec3b>(y);
      for (int xx = 0; xx < 224; ++xx)
        for (int ch = 0; ch < 3; ++ch)  // RGB order from BGR pixels
          acc[0][ch][y][xx] = (p[xx][2 - ch] / 255.f - kMean[ch]) / kStd[ch];
    }
    torch::Tensor out;
    {
      torch::NoGradGuard no_grad;
      std::lock_guard<std::mutex> lock(mu_);  // one forward at a time; torch threads inside
      try {
        out = const_cast<torch::jit::Module&>(module_).forward({x}).toTensor();
      } catch (const std::exception& e) {
        throw Error("embed.module '" + path_ + "' failed on a 1x3x224x224 input: " + e.what());
      }
    }
    out = out.reshape({-1}).to(torch::kFloat32).contiguous();
    const float n = out.norm().item<float>();
    if (!(n > 0)) throw Error("embed.module '" + path_ + "' returned a zero vector");
    out = out / n;
    return std::vector<float>(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
  }

  std::string path_;
  torch::jit::Module module_;
  mutable std::mutex mu_;
  int dim_ = 0;
};

}  // namespace

std::unique_ptr<Embedder> make_torchscript_embedder(const std::string& module_path) {
  return std::make_unique<TorchScriptEmbedder>(module_path);
}

}  // namespace cf::retrieve
