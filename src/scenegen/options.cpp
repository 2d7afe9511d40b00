// scenegen.* config keys and option validation.
#include "scenegen/options.h"

#include "core/config.h"
#include "core/error.h"
#include "scenegen/scene_spec.h"

namespace cf::scenegen {

void SceneGenOptions::validate() const {
  auto fail = [](const std::string& key, const std::string& why) { throw ConfigError("scenegen." + key + ": " + why); };
  if (images < 0) fail("images", "must be >= 0");
  if (clips < 0) fail("clips", "must be >= 0");
  if (width < 160 || width > 3840 || width % 2) fail("width", "must be even and in [160, 3840]");
  if (height < 90 || height > 2160 || height % 2) fail("height", "must be even and in [90, 2160]");
  if (jpeg_quality < 1 || jpeg_quality > 100) fail("jpeg_quality", "must be in [1, 100]");
  if (!(clip_seconds >= 0.5 && clip_seconds <= 60)) fail("clip_seconds", "must be in [0.5, 60]");
  if (clip_fps < 1 || clip_fps > 60) fail("clip_fps", "must be in [1, 60]");
  if (!(corner_case_rate >= 0 && corner_case_rate <= 1)) fail("corner_case_rate", "must be in [0, 1]");
  if (!(night_rate >= 0 && night_rate <= 1)) fail("night_rate", "must be in [0, 1]");
  if (threads < 1) fail("threads", "must be >= 1");
  for (const auto& w : weather) {
    Weather parsed;
    if (!parse_weather(w, &parsed)) {
      std::string all;
      for (const auto& n : all_weather_names()) all += (all.empty() ? "" : ", ") + n;
      fail("weather", "unknown weather '" + w + "' (one of: " + all + ")");
    }
  }
}

void declare_scenegen_options(ConfigSchema& s) {
  const SceneGenOptions d;
  s.add_int("scenegen.seed", int64_t(d.seed), "Corpus seed; scene i depends only on (seed, i)", 0, 9.0e15);
  s.add_int("scenegen.images", d.images, "Number of still images", 0, 10'000'000);
  s.add_int("scenegen.clips", d.clips, "Number of video clips", 0, 1'000'000);
  s.add_int("scenegen.width", d.width, "Frame width in pixels (even)", 160, 3840);
  s.add_int("scenegen.height", d.height, "Frame height in pixels (even)", 90, 2160);
  s.add_int("scenegen.jpeg_quality", d.jpeg_quality, "JPEG quality of images", 1, 100);
  s.add_float("scenegen.clip_seconds", d.clip_seconds, "Clip duration in seconds", 0.5, 60);
  s.add_int("scenegen.clip_fps", d.clip_fps, "Clip frame rate", 1, 60);
  s.add_float("scenegen.corner_case_rate", d.corner_case_rate,
              "Probability that an image contains a hazard (debris, animal, jaywalker)", 0, 1);
  s.add_strings("scenegen.weather", all_weather_names(), "Allowed weathers, drawn uniformly");
  s.add_float("scenegen.night_rate", d.night_rate, "Probability of a night scene", 0, 1);
}

SceneGenOptions scenegen_options_from_config(const Config& c) {
  SceneGenOptions o;
  o.seed = static_cast<uint64_t>(c.get_int("scenegen.seed"));
  o.images = static_cast<int>(c.get_int("scenegen.images"));
  o.clips = static_cast<int>(c.get_int("scenegen.clips"));
  o.width = static_cast<int>(c.get_int("scenegen.width"));
  o.height = static_cast<int>(c.get_int("scenegen.height"));
  o.jpeg_quality = static_cast<int>(c.get_int("scenegen.jpeg_quality"));
  o.clip_seconds = c.get_float("scenegen.clip_seconds");
  o.clip_fps = static_cast<int>(c.get_int("scenegen.clip_fps"));
  o.corner_case_rate = c.get_float("scenegen.corner_case_rate");
  o.weather = c.get_strings("scenegen.weather");
  if (o.weather.empty()) throw ConfigError("scenegen.weather: must list at least one weather");
  o.night_rate = c.get_float("scenegen.night_rate");
  o.validate();
  return o;
}

}  // namespace cf::scenegen
