#include "synth/retrieve/embedder.h"

#include <opencv2/imgproc.hpp>

#include "core/config.h"
#include "core/error.h"

namespace cf::retrieve {
namespace {
TorchScriptEmbedderFactory torchscript_factory = nullptr;
}  // namespace

void register_torchscript_embedder(TorchScriptEmbedderFactory factory) { torchscript_factory = factory; }

void declare_embed_config(ConfigSchema& schema) {
  schema.add_string("embed.backend", "builtin",
                    "Region embedder: builtin (color/shape/gradient descriptor, no weights) or "
                    "torchscript (CLIP-style image encoder at embed.module)",
                    {"builtin", "torchscript"});
  schema.add_string("embed.module", "",
                    "torchscript: scripted image encoder (input 1x3x224x224 RGB normalized with "
                    "CLIP mean/std, output 1xD)");
}

std::unique_ptr<Embedder> make_embedder(const EmbedderOptions& options) {
  if (options.backend == "builtin") return make_builtin_embedder();
  if (options.backend == "torchscript") {
    if (options.module.empty())
      throw ConfigError("embed.backend = \"torchscript\" needs embed.module (a scripted encoder)");
    if (!torchscript_factory)
      throw ConfigError(
          "embed.backend = \"torchscript\" needs LibTorch: this executable was built "
          "without it (run cf-retrieve / cf-build-db, which start their -torch build)");
    return torchscript_factory(options.module);
  }
  throw ConfigError("embed.backend '" + options.backend + "' is not builtin or torchscript");
}

std::vector<std::vector<float>> Embedder::embed_all(const std::vector<Region>& regions) const {
  std::vector<std::vector<float>> out;
  out.reserve(regions.size());
  for (const auto& r : regions) out.push_back(embed(r));
  return out;
}

cv::Rect region_bounds(const Region& region) {
  const cv::Rect img(0, 0, region.image.cols, region.image.rows);
  cv::Rect box = region.box & img;
  if (box.area() > 0) {
    cv::Rect inner = cv::boundingRect(region.mask(box));
    if (inner.area() > 0) return inner + box.tl();
  }
  return cv::boundingRect(region.mask);  // box missing or wrong: use the mask alone
}

}  // namespace cf::retrieve
