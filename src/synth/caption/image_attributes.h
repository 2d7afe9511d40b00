// Simple scene attributes estimated from the pixels alone (never from ground truth): brightness
// -> day or night, contrast, and the colour of the top band (blue or grey sky).
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace cf::synth {

struct ImageAttributes {
  double brightness = 0;            // mean grey level, 0..1
  double contrast = 0;              // standard deviation of grey, 0..1
  std::string time_of_day = "day";  // "day" or "night"
  bool low_contrast = false;
  std::string sky;  // "blue", "grey" or "" (night or not decidable)
  nlohmann::json to_json() const;
  static ImageAttributes from_json(const nlohmann::json& j);
};

// Decodes `jpeg` (throws cf::Error when it cannot) and measures it.
ImageAttributes estimate_attributes(const std::string& jpeg, double night_brightness, double low_contrast);

}  // namespace cf::synth
