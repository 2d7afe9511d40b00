// Scores one still image of the chain against cf-scenegen ground truth (labels/*.json and the
// 16-bit instance masks in masks/*.png). Returns counters that add up over items
// (merge::add_into); eval_report() turns the totals into rates.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

namespace cf::evalsynth {

struct GtObject {
  int64_t id = 0;
  std::string cls, kind;
  int64_t area = 0;  // visible pixels at the evaluated resolution
};

struct SceneTruth {
  cv::Mat ids;  // CV_16UC1 instance ids at the evaluated resolution (0 = background)
  std::vector<GtObject> objects;
};

// `source`: the corpus-relative image path (images/scene_N.jpg); the mask is resized (nearest)
// to width x height when the chain stored the image at another size. Throws DataError naming
// the file when the label or mask is missing.
SceneTruth load_truth(const std::string& corpus, const std::string& source, int width, int height);

struct RegionIn {
  std::string rle;    // COCO RLE counts string (cf-segment)
  std::string label;  // cf-retrieve's name for it
};

struct EvalOptions {
  double iou = 0.5;
  int64_t min_area = 1024;    // objects counted for recall/naming
  int64_t large_area = 4096;  // a caption "misses" a class with an instance at least this large
};

nlohmann::json eval_item(const SceneTruth& truth, const std::vector<RegionIn>& regions,
                         const std::vector<std::string>& caption_labels,
                         const std::vector<std::pair<std::string, std::string>>& closed_qa, const EvalOptions& o);

// Rates from summed counters: recall, naming accuracy, hallucinated/missed rates, closed correctness.
nlohmann::json eval_report(const nlohmann::json& totals);
std::string eval_markdown(const nlohmann::json& report);

}  // namespace cf::evalsynth
