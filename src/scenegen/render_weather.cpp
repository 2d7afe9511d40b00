// Image-space effects after the geometry: light glow (lamps, headlights, sun; wet-road
// reflections), rain streaks, snowflakes, fog softening and sensor grain.
#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "scenegen/render_internal.h"

namespace cf::scenegen {

namespace {

// Zero-mean grain, generated once with a fixed seed; frames use it at a random offset.
const cv::Mat& grain_tile() {
  static const cv::Mat tile = [] {
    cv::Mat t(256, 256, CV_16SC3);
    cv::RNG rng(0xC0FFEE);
    rng.fill(t, cv::RNG::NORMAL, 0, 4);
    return t;
  }();
  return tile;
}

void add_glow(cv::Mat& img, const std::vector<Light>& lights) {
  const int ds = 4;
  cv::Mat glow = cv::Mat::zeros(img.rows / ds + 1, img.cols / ds + 1, CV_8UC3);
  for (const Light& l : lights) {
    cv::Point c(int(l.center.x / ds), int(l.center.y / ds));
    int r = std::max(1, int(l.radius / ds));
    cv::circle(glow, c, r, l.color * l.strength, cv::FILLED, cv::LINE_AA);
    if (l.reflection.x >= 0) {
      cv::Point rc(int(l.reflection.x / ds), int(l.reflection.y / ds));
      cv::ellipse(glow, rc, {std::max(1, r / 2), std::max(1, int(r * 2.5))}, 0, 0, 360, l.color * (0.45 * l.strength),
                  cv::FILLED, cv::LINE_AA);
    }
  }
  cv::GaussianBlur(glow, glow, cv::Size(0, 0), 2.0);
  cv::Mat up;
  cv::resize(glow, up, img.size(), 0, 0, cv::INTER_LINEAR);
  cv::add(img, up, img);
}

}  // namespace

void apply_weather(cv::Mat& img, const SceneSpec& s, const Camera& cam, const Painter& p, Rng& r) {
  const double sc = cam.scale(), area = double(img.total()) / (1280.0 * 720.0);
  if (!p.lights().empty()) add_glow(img, p.lights());

  bool rain = s.weather == Weather::LightRain || s.weather == Weather::HeavyRain;
  if (rain) {
    bool heavy = s.weather == Weather::HeavyRain;
    Rng wind(s.seed ^ 0x3A1Dull);
    double slant = wind.uniform(-0.25, 0.25);
    cv::Mat layer = img.clone();
    int n = int((heavy ? 1100 : 350) * area);
    cv::Scalar c = s.night ? cv::Scalar(110, 110, 115) : cv::Scalar(215, 215, 215);
    for (int i = 0; i < n; ++i) {
      double x = r.uniform(0, img.cols), y = r.uniform(0, img.rows);
      double len = r.uniform(10, heavy ? 45 : 28) * sc;
      cv::line(layer, cv::Point(int(x), int(y)), cv::Point(int(x + slant * len), int(y + len)), c, 1, cv::LINE_AA);
    }
    cv::addWeighted(img, 0.72, layer, 0.28, 0, img);
    if (heavy) cv::GaussianBlur(img, img, cv::Size(3, 3), 0.8);
  }
  if (s.weather == Weather::LightSnow) {
    int n = int(600 * area);
    cv::Scalar c = s.night ? cv::Scalar(160, 160, 165) : cv::Scalar(245, 245, 245);
    for (int i = 0; i < n; ++i) {
      cv::Point2d q(r.uniform(0, img.cols), r.uniform(0, img.rows));
      double rad = r.uniform(0.7, 2.6) * sc;
      cv::circle(img, cv::Point(int(q.x * 8), int(q.y * 8)), std::max(1, int(rad * 8)), c, cv::FILLED, cv::LINE_AA, 3);
    }
  }
  if (s.weather == Weather::Fog) cv::GaussianBlur(img, img, cv::Size(5, 5), 1.2 * sc);

  // Grain: stronger at night (sensor gain).
  const cv::Mat& tile = grain_tile();
  int ox = r.range(0, tile.cols - 1), oy = r.range(0, tile.rows - 1);
  cv::Mat rolled(tile.size(), tile.type());
  for (int y = 0; y < tile.rows; ++y) {
    const cv::Vec3s* src = tile.ptr<cv::Vec3s>((y + oy) % tile.rows);
    cv::Vec3s* dst = rolled.ptr<cv::Vec3s>(y);
    for (int x = 0; x < tile.cols; ++x) dst[x] = src[(x + ox) % tile.cols];
  }
  cv::Mat noise;
  cv::repeat(rolled, img.rows / tile.rows + 1, img.cols / tile.cols + 1, noise);
  noise = noise(cv::Rect(0, 0, img.cols, img.rows));
  cv::Mat acc;
  img.convertTo(acc, CV_16SC3);
  if (s.night) cv::scaleAdd(noise, 1.8, acc, acc);
  else acc += noise;
  acc.convertTo(img, CV_8UC3);
}

}  // namespace cf::scenegen
