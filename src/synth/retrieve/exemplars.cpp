#include "synth/retrieve/exemplars.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"

namespace fs = std::filesystem;

namespace cf::retrieve {
namespace {

std::string spaced(std::string s) {
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

cv::Rect box_of(const nlohmann::json& b) {
  if (!b.is_array() || b.size() != 4) throw Error("box must be [x, y, w, h]");
  return cv::Rect(static_cast<int>(std::lround(b[0].get<double>())), static_cast<int>(std::lround(b[1].get<double>())),
                  static_cast<int>(std::lround(b[2].get<double>())), static_cast<int>(std::lround(b[3].get<double>())));
}

}  // namespace

std::string scenegen_label(const std::string& cls, const std::string& kind, const std::string& mode) {
  if (mode == "fine" && !kind.empty()) {
    if (cls == "traffic_sign") return spaced(kind) + " sign";
    if (cls == "animal" || cls == "debris") return spaced(kind);
  }
  return spaced(cls);
}

std::vector<ExemplarImage> scenegen_exemplars(const std::string& root, int64_t min_area,
                                              const std::string& label_mode) {
  const fs::path labels = fs::path(root) / "labels";
  std::error_code ec;
  if (!fs::is_directory(labels, ec))
    throw ConfigError("io.input '" + root + "' has no labels/ folder (cf-scenegen ground truth)");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(labels))
    if (e.path().extension() == ".json" && e.path().filename().string().rfind("scene_", 0) == 0)
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw ConfigError("'" + labels.string() + "' holds no scene_*.json labels");
  std::vector<ExemplarImage> out;
  for (const auto& f : files) {
    std::ifstream in(f);
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(in);
      ExemplarImage unit;
      unit.image_path = (fs::path(root) / j.at("image").get<std::string>()).string();
      unit.mask_path = (fs::path(root) / j.at("mask").get<std::string>()).string();
      const std::string rel = "labels/" + f.filename().string();
      for (const auto& o : j.at("objects")) {
        if (o.at("area").get<int64_t>() < min_area) continue;
        const auto& attrs = o.value("attributes", nlohmann::json::object());
        unit.objects.push_back(
            {scenegen_label(o.at("class").get<std::string>(), attrs.value("kind", std::string()), label_mode),
             rel + "#" + std::to_string(o.at("id").get<int>()), box_of(o.at("box")), o.at("id").get<int>()});
      }
      if (!unit.objects.empty()) out.push_back(std::move(unit));
    } catch (const std::exception& e) {
      throw ConfigError("ground-truth label '" + f.string() + "': " + e.what());
    }
  }
  return out;
}

std::vector<ExemplarImage> labeled_exemplars(const std::string& jsonl) {
  std::ifstream in(jsonl);
  if (!in) throw ConfigError("build_db.labeled '" + jsonl + "' cannot be read");
  const fs::path base = fs::path(jsonl).parent_path();
  std::vector<ExemplarImage> out;
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      auto j = nlohmann::json::parse(line);
      ExemplarImage unit;
      unit.image_path = (base / j.at("image").get<std::string>()).string();
      if (j.contains("mask")) unit.mask_path = (base / j.at("mask").get<std::string>()).string();
      const std::string label = j.at("label").get<std::string>();
      if (label.empty()) throw Error("empty label");
      unit.objects.push_back(
          {label, fs::path(jsonl).filename().string() + ":" + std::to_string(lineno), box_of(j.at("box")), -1});
      out.push_back(std::move(unit));
    } catch (const std::exception& e) {
      throw ConfigError(jsonl + ":" + std::to_string(lineno) + ": " + e.what());
    }
  }
  return out;
}

std::vector<std::vector<float>> embed_exemplars(const ExemplarImage& unit, const Embedder& embedder) {
  cv::Mat image = cv::imread(unit.image_path, cv::IMREAD_COLOR);
  if (image.empty()) throw Error("cannot read image '" + unit.image_path + "'");
  cv::Mat masks;
  if (!unit.mask_path.empty()) {
    masks = cv::imread(unit.mask_path, cv::IMREAD_UNCHANGED);
    if (masks.empty()) throw Error("cannot read mask '" + unit.mask_path + "'");
    if (masks.size() != image.size())
      throw Error("mask '" + unit.mask_path + "' is not the size of '" + unit.image_path + "'");
    if (masks.channels() != 1) throw Error("mask '" + unit.mask_path + "' is not single-channel");
  }
  cv::Mat ids;  // instance map as int32, for scenegen objects
  if (!masks.empty()) masks.convertTo(ids, CV_32S);
  std::vector<std::vector<float>> out;
  for (const auto& o : unit.objects) {
    Region r{image, cv::Mat(), o.box};
    if (o.instance_id >= 0) {
      if (ids.empty()) throw Error(o.source + ": no instance mask for '" + unit.image_path + "'");
      r.mask = ids == o.instance_id;
    } else if (!masks.empty()) {
      r.mask = masks != 0;
    } else {
      r.mask = cv::Mat(image.size(), CV_8U, cv::Scalar(0));
      r.mask(o.box & cv::Rect(0, 0, image.cols, image.rows)).setTo(255);
    }
    try {
      out.push_back(embedder.embed(r));
    } catch (const std::exception& e) {
      throw Error(o.source + " (" + unit.image_path + "): " + e.what());
    }
  }
  return out;
}

}  // namespace cf::retrieve
