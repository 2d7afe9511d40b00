// Clip rendering: every frame of a clip scene into a video writer, plus the clip's JSON
// (Cosmos fields, scenario, object tracks and per-frame boxes).
#pragma once
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/videoio.hpp>

#include "scenegen/scene_spec.h"

namespace cf::scenegen {

// Opens `stem` + ".mp4" (FFmpeg, mp4v); if that fails, `stem` + ".avi" (MJPG). Sets *ext to
// the extension used. Throws cf::Error when neither works.
cv::VideoWriter open_clip_writer(const std::string& stem, double fps, cv::Size size, std::string* ext);

// Renders round(seconds * fps) frames into `writer` and returns the clip JSON. `video` is the
// corpus-relative path recorded in the JSON; `corpus_seed` is recorded as "seed".
nlohmann::json render_clip(const SceneSpec& spec, double seconds, int fps, cv::VideoWriter& writer,
                           const std::string& video, uint64_t corpus_seed);

}  // namespace cf::scenegen
