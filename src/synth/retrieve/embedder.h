// Region embedders: one L2-normalized float vector per image region (pixels under a mask inside
// a box). Backends: "builtin" (hand-made descriptor, no weights, builtin_descriptor.cpp) and
// "torchscript" (a user's CLIP-style image encoder, torchscript_embedder.cpp).
// cf-build-db and cf-retrieve must use the same backend; the database's meta.json records it.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace cf {
class ConfigSchema;
}

namespace cf::retrieve {

struct Region {
  cv::Mat image;  // 8-bit BGR, the whole image
  cv::Mat mask;   // CV_8U, same size as image; nonzero = region pixel
  cv::Rect box;   // bounding box of the region (clipped to the image by the embedder)
};

class Embedder {
 public:
  virtual ~Embedder() = default;
  virtual std::string backend() const = 0;
  virtual int dim() const = 0;
  // L2-normalized vector of length dim(). Throws cf::Error when the region is empty.
  // Safe to call from several threads at once.
  virtual std::vector<float> embed(const Region& region) const = 0;
  // embed() of each region, in order; all regions show the same image (one cv::Mat). Backends
  // that can prepare the image once override it (builtin: one colour conversion per image).
  virtual std::vector<std::vector<float>> embed_all(const std::vector<Region>& regions) const;
};

struct EmbedderOptions {
  std::string backend = "builtin";  // "builtin" | "torchscript"
  std::string module;               // torchscript: path of the scripted image encoder
};

// Throws cf::ConfigError naming the module file when it cannot be loaded, or when the backend
// is torchscript and this executable registered no torchscript embedder (it has no LibTorch).
std::unique_ptr<Embedder> make_embedder(const EmbedderOptions& options);
std::unique_ptr<Embedder> make_builtin_embedder();
// In library cf_synth_retrieve_torch (LibTorch): executables that link it register it, so that
// cf_synth_retrieve itself does not load LibTorch (job/torch_twin.h).
std::unique_ptr<Embedder> make_torchscript_embedder(const std::string& module_path);
using TorchScriptEmbedderFactory = std::unique_ptr<Embedder> (*)(const std::string& module_path);
void register_torchscript_embedder(TorchScriptEmbedderFactory factory);

// Declares embed.backend and embed.module.
void declare_embed_config(ConfigSchema& schema);

// The box clipped to the image and to the mask's pixels inside it; empty when none.
cv::Rect region_bounds(const Region& region);

}  // namespace cf::retrieve
