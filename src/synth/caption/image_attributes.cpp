#include "synth/caption/image_attributes.h"

#include <cmath>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace cf::synth {

nlohmann::json ImageAttributes::to_json() const {
  auto r = [](double v) { return std::round(v * 1000) / 1000; };
  return {{"brightness", r(brightness)},
          {"contrast", r(contrast)},
          {"time_of_day", time_of_day},
          {"low_contrast", low_contrast},
          {"sky", sky}};
}

ImageAttributes ImageAttributes::from_json(const nlohmann::json& j) {
  ImageAttributes a;
  if (!j.is_object()) return a;
  a.brightness = j.value("brightness", 0.0);
  a.contrast = j.value("contrast", 0.0);
  a.time_of_day = j.value("time_of_day", std::string("day"));
  a.low_contrast = j.value("low_contrast", false);
  a.sky = j.value("sky", std::string());
  return a;
}

ImageAttributes estimate_attributes(const std::string& jpeg, double night_brightness, double low_contrast) {
  cv::Mat buf(1, static_cast<int>(jpeg.size()), CV_8U, const_cast<char*>(jpeg.data()));
  cv::Mat img = jpeg.empty() ? cv::Mat() : cv::imdecode(buf, cv::IMREAD_COLOR);
  if (img.empty()) throw Error("image bytes do not decode");
  cv::Mat grey;
  cv::cvtColor(img, grey, cv::COLOR_BGR2GRAY);
  cv::Scalar mean, sd;
  cv::meanStdDev(grey, mean, sd);
  ImageAttributes a;
  a.brightness = mean[0] / 255.0;
  a.contrast = sd[0] / 255.0;
  a.time_of_day = a.brightness < night_brightness ? "night" : "day";
  a.low_contrast = a.contrast < low_contrast;
  if (a.time_of_day == "day") {
    cv::Scalar top = cv::mean(img(cv::Rect(0, 0, img.cols, std::max(1, img.rows / 5))));
    const double b = top[0], g = top[1], r = top[2];
    const double spread = std::max({b, g, r}) - std::min({b, g, r});
    if (b > r + 20 && b >= g) a.sky = "blue";
    else if (spread < 18) a.sky = "grey";
  }
  return a;
}

}  // namespace cf::synth
