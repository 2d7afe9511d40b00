// Writes images, masks, labels and clips of this rank; atomic renames and resume.
#include "scenegen/corpus_writer.h"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <opencv2/imgcodecs.hpp>
#include <spdlog/spdlog.h>

#include "core/error.h"
#include "scenegen/annotation.h"
#include "scenegen/clip.h"
#include "scenegen/rng.h"

namespace fs = std::filesystem;

namespace cf::scenegen {

namespace {

constexpr uint64_t kImageStream = 0, kClipStream = 1;

void write_atomic(const fs::path& path, const void* data, size_t size) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) throw Error("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw Error("cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message());
}

void write_atomic(const fs::path& path, const std::string& s) { write_atomic(path, s.data(), s.size()); }

bool write_image(const SceneGenOptions& opt, const fs::path& root, int i) {
  std::string stem = item_stem("scene_", i);
  fs::path img = root / "images" / (stem + ".jpg"), lab = root / "labels" / (stem + ".json"),
           msk = root / "masks" / (stem + ".png");
  if (fs::exists(img) && fs::exists(lab) && fs::exists(msk)) return false;
  SceneSpec spec = image_spec(opt, i);
  RenderedFrame fr = render_frame(spec, 0.0, 0);
  std::vector<uchar> jpg, png;
  if (!cv::imencode(".jpg", fr.image, jpg, {cv::IMWRITE_JPEG_QUALITY, opt.jpeg_quality}))
    throw Error("JPEG encoding failed for " + img.string());
  if (!cv::imencode(".png", fr.mask, png, {cv::IMWRITE_PNG_COMPRESSION, 3}))
    throw Error("PNG encoding failed for " + msk.string());
  nlohmann::json objects = nlohmann::json::array();
  std::set<int> visible;
  for (const VisibleObject& v : fr.objects) {
    objects.push_back(object_json(spec.objects[static_cast<size_t>(v.id - 1)], v));
    visible.insert(v.id);
  }
  nlohmann::json label = scene_json(spec);
  label["image"] = "images/" + stem + ".jpg";
  label["mask"] = "masks/" + stem + ".png";
  label["mask_encoding"] = "16-bit PNG; pixel value = objects[].id of the visible instance, 0 = background";
  label["width"] = spec.width;
  label["height"] = spec.height;
  label["seed"] = opt.seed;
  label["scene_seed"] = spec.seed;
  label["index"] = i;
  label["objects"] = objects;
  label["annotation"] = cosmos_annotation(spec, visible, false);
  write_atomic(img, jpg.data(), jpg.size());
  write_atomic(msk, png.data(), png.size());
  write_atomic(lab, label.dump(1) + "\n");
  return true;
}

bool write_clip(const SceneGenOptions& opt, const fs::path& root, int i) {
  std::string stem = item_stem("clip_", i);
  fs::path dir = root / "clips", lab = dir / (stem + ".json");
  if (fs::exists(lab) && (fs::exists(dir / (stem + ".mp4")) || fs::exists(dir / (stem + ".avi")))) return false;
  SceneSpec spec = clip_spec(opt, i);
  std::string ext;
  fs::path tmp_stem = dir / (".tmp_" + stem);
  cv::VideoWriter w = open_clip_writer(tmp_stem.string(), opt.clip_fps, {opt.width, opt.height}, &ext);
  nlohmann::json j = render_clip(spec, opt.clip_seconds, opt.clip_fps, w, "clips/" + stem + ext, opt.seed);
  std::error_code ec;
  fs::rename(tmp_stem.string() + ext, dir / (stem + ext), ec);
  if (ec) throw Error("cannot rename video of " + stem + ": " + ec.message());
  write_atomic(lab, j.dump(1) + "\n");
  return true;
}

void write_manifest(const SceneGenOptions& opt, const fs::path& root) {
  nlohmann::json m = {{"generator", "cf-scenegen"},
                      {"seed", opt.seed},
                      {"images", opt.images},
                      {"clips", opt.clips},
                      {"width", opt.width},
                      {"height", opt.height},
                      {"jpeg_quality", opt.jpeg_quality},
                      {"clip_seconds", opt.clip_seconds},
                      {"clip_fps", opt.clip_fps},
                      {"corner_case_rate", opt.corner_case_rate},
                      {"night_rate", opt.night_rate},
                      {"classes", nlohmann::json::array()}};
  for (ObjClass c : all_classes()) m["classes"].push_back(to_string(c));
  m["weather"] = opt.weather.empty() ? all_weather_names() : opt.weather;
  write_atomic(root / "scenegen_manifest.json", m.dump(1) + "\n");
}

}  // namespace

std::string item_stem(const char* prefix, int index) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%06d", prefix, index);
  return buf;
}

SpecOptions spec_options(const SceneGenOptions& opt) {
  SpecOptions s;
  for (const auto& name : opt.weather.empty() ? all_weather_names() : opt.weather) {
    Weather w;
    if (!parse_weather(name, &w)) throw ConfigError("scenegen.weather: unknown weather '" + name + "'");
    s.weathers.push_back(w);
  }
  s.night_rate = opt.night_rate;
  s.corner_case_rate = opt.corner_case_rate;
  s.width = opt.width;
  s.height = opt.height;
  s.clip_seconds = opt.clip_seconds;
  return s;
}

SceneSpec image_spec(const SceneGenOptions& opt, int index) {
  return make_scene_spec(spec_options(opt), mix_seed(opt.seed, kImageStream, uint64_t(index)), index);
}

SceneSpec clip_spec(const SceneGenOptions& opt, int index) {
  return make_clip_spec(spec_options(opt), mix_seed(opt.seed, kClipStream, uint64_t(index)), index);
}

SceneGenStats generate_corpus(const SceneGenOptions& opt, const std::string& root_dir, int rank, int world) {
  opt.validate();
  if (world < 1 || rank < 0 || rank >= world) throw Error("generate_corpus: bad rank/world");
  fs::path root(root_dir);
  for (const char* d : {"images", "labels", "masks", "clips"}) {
    std::error_code ec;
    fs::create_directories(root / d, ec);
    if (!fs::is_directory(root / d)) throw Error("cannot create " + (root / d).string() + ": " + ec.message());
  }
  if (rank == 0) write_manifest(opt, root);

  std::vector<int> mine;  // item k: images first, then clips
  for (int k = rank; k < opt.images + opt.clips; k += world) mine.push_back(k);
  SceneGenStats stats;
  std::mutex mu;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t n; (n = next++) < mine.size();) {
      int k = mine[n];
      bool clip = k >= opt.images;
      int i = clip ? k - opt.images : k;
      try {
        bool wrote = clip ? write_clip(opt, root, i) : write_image(opt, root, i);
        std::lock_guard<std::mutex> lock(mu);
        if (!wrote) ++stats.skipped;
        else if (clip) ++stats.clips_written;
        else ++stats.images_written;
        spdlog::debug("scenegen: {} {} {}", clip ? "clip" : "image", i, wrote ? "written" : "exists");
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mu);
        ++stats.failed;
        stats.errors.push_back(std::string(clip ? "clip " : "image ") + std::to_string(i) + ": " + e.what());
        spdlog::error("scenegen: {} {} failed: {}", clip ? "clip" : "image", i, e.what());
      }
    }
  };
  int threads = std::max(1, std::min<int>(opt.threads, static_cast<int>(mine.size())));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return stats;
}

}  // namespace cf::scenegen
