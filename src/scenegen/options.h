// Options of the scene generator, their config keys (section `scenegen`) and validation.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cf {
class Config;
class ConfigSchema;
}  // namespace cf

namespace cf::scenegen {

struct SceneGenOptions {
  uint64_t seed = 1234;
  int images = 64;
  int clips = 4;
  int width = 1280, height = 720;
  int jpeg_quality = 90;
  double clip_seconds = 4.0;
  int clip_fps = 10;
  double corner_case_rate = 0.3;
  std::vector<std::string> weather;  // allowed weathers; empty = all
  double night_rate = 0.25;
  int threads = 1;  // worker threads of this rank (output does not depend on it)

  // Throws cf::ConfigError naming the key.
  void validate() const;
};

// Declares scenegen.* with the built-in defaults above (configs/scenegen.toml mirrors them).
void declare_scenegen_options(ConfigSchema& schema);
SceneGenOptions scenegen_options_from_config(const Config& cfg);

}  // namespace cf::scenegen
