// Clip frames, video writing and the clip annotation.
#include "scenegen/clip.h"

#include <cmath>
#include <map>
#include <set>

#include "core/error.h"
#include "scenegen/annotation.h"
#include "scenegen/render_scene.h"

namespace cf::scenegen {

namespace {
// Rounded so that JSON prints short decimals (q = 0.1, 0.01, 0.001).
double round_to(double v, double q) { return std::round(v / q) / std::round(1.0 / q); }
}  // namespace

cv::VideoWriter open_clip_writer(const std::string& stem, double fps, cv::Size size, std::string* ext) {
  cv::VideoWriter w;
  if (w.open(stem + ".mp4", cv::CAP_FFMPEG, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps, size) && w.isOpened()) {
    *ext = ".mp4";
    return w;
  }
  if (w.open(stem + ".avi", cv::CAP_ANY, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), fps, size) && w.isOpened()) {
    *ext = ".avi";
    return w;
  }
  throw Error("cannot open a video writer for " + stem + " (.mp4 with mp4v or .avi with MJPG)");
}

nlohmann::json render_clip(const SceneSpec& spec, double seconds, int fps, cv::VideoWriter& writer,
                           const std::string& video, uint64_t corpus_seed) {
  const int n = std::max(1, static_cast<int>(std::lround(seconds * fps)));
  nlohmann::json frames = nlohmann::json::array();
  std::set<int> visible;
  std::map<int, std::pair<int, int>> span;  // id -> first, last frame
  for (int f = 0; f < n; ++f) {
    double t = double(f) / fps;
    RenderedFrame fr = render_frame(spec, t, f);
    writer.write(fr.image);
    nlohmann::json objs = nlohmann::json::array();
    for (const VisibleObject& v : fr.objects) {
      const SceneObject& o = spec.objects[static_cast<size_t>(v.id - 1)];
      objs.push_back({{"id", v.id},
                      {"class", to_string(o.cls)},
                      {"box", {v.box.x, v.box.y, v.box.width, v.box.height}},
                      {"area", v.area},
                      {"occluded", v.occlusion > 0.25}});
      visible.insert(v.id);
      auto it = span.find(v.id);
      if (it == span.end()) span[v.id] = {f, f};
      else it->second.second = f;
    }
    frames.push_back({{"frame", f},
                      {"t", round_to(t, 0.001)},
                      {"ego_speed_mps", round_to(spec.ego.speed(t), 0.01)},
                      {"ego_lateral_m", round_to(spec.ego.lateral(t), 0.01)},
                      {"objects", objs}});
  }
  writer.release();

  nlohmann::json tracks = nlohmann::json::array();
  for (const auto& [id, fl] : span) {
    const SceneObject& o = spec.objects[static_cast<size_t>(id - 1)];
    tracks.push_back({{"id", id},
                      {"class", to_string(o.cls)},
                      {"attributes", object_attributes(o)},
                      {"first_frame", fl.first},
                      {"last_frame", fl.second}});
  }
  const EgoPlan& e = spec.ego;
  nlohmann::json scenario = {{"event", to_string(spec.event)},
                             {"jaywalking", spec.jaywalk},
                             {"ego_initial_speed_mps", round_to(e.speed(0), 0.01)},
                             {"ego_final_speed_mps", round_to(e.speed((n - 1.0) / fps), 0.01)},
                             {"ego_distance_m", round_to(e.distance((n - 1.0) / fps), 0.01)},
                             {"ego_lateral_shift_m", round_to(e.lateral((n - 1.0) / fps), 0.01)}};
  nlohmann::json j = cosmos_annotation(spec, visible, true);
  j["video"] = video;
  j["width"] = spec.width;
  j["height"] = spec.height;
  j["fps"] = fps;
  j["frame_count"] = n;
  j["duration_s"] = round_to(double(n) / fps, 0.001);
  j["seed"] = corpus_seed;
  j["scene_seed"] = spec.seed;
  j["index"] = spec.index;
  j["scenario"] = scenario;
  j["scene"] = scene_json(spec);
  j["objects"] = tracks;
  j["frames"] = frames;
  return j;
}

}  // namespace cf::scenegen
