// Sky colours, atmosphere (light level and fog per weather) and the sky itself.
#include <cmath>

#include "scenegen/render_internal.h"

namespace cf::scenegen {

SkyColors sky_colors(const SceneSpec& s) {
  SkyColors c;
  if (s.night) {
    bool cloudy = s.weather != Weather::Clear && s.weather != Weather::PartlyCloudy;
    c.top = cloudy ? cv::Scalar(45, 42, 40) : cv::Scalar(38, 18, 8);
    c.horizon = s.streetlights ? cv::Scalar(70, 88, 105) : cv::Scalar(70, 52, 42);
    if (s.weather == Weather::Fog) c.top = c.horizon = cv::Scalar(70, 72, 74);
    return c;
  }
  switch (s.weather) {
    case Weather::Clear: c = {{205, 140, 70}, {240, 215, 185}}; break;
    case Weather::PartlyCloudy: c = {{200, 150, 95}, {235, 215, 195}}; break;
    case Weather::Overcast: c = {{160, 160, 155}, {200, 200, 196}}; break;
    case Weather::LightRain: c = {{130, 130, 126}, {175, 175, 171}}; break;
    case Weather::HeavyRain: c = {{100, 100, 98}, {140, 140, 138}}; break;
    case Weather::LightSnow: c = {{190, 190, 186}, {222, 222, 219}}; break;
    case Weather::Fog: c = {{204, 204, 200}, {212, 212, 208}}; break;
  }
  if (s.low_contrast) c.top = mix(c.top, c.horizon, 0.5);
  return c;
}

Atmosphere make_atmosphere(const SceneSpec& s) {
  Atmosphere a;
  a.fog_color = sky_colors(s).horizon;
  static const double vis[] = {900, 800, 420, 260, 110, 170, 40};
  a.visibility = vis[static_cast<int>(s.weather)] * (s.night ? 0.7 : 1.0);
  if (s.night) {
    a.ambient = s.streetlights ? 0.42 : 0.2;
    a.headlight = 0.85;
    a.tint = {1.05, 1.0, 0.95};
  } else {
    switch (s.weather) {
      case Weather::Clear: a.tint = {0.95, 1.0, 1.05}; break;
      case Weather::Overcast:
      case Weather::LightRain:
        a.ambient = 0.9;
        a.tint = {1.03, 1.0, 0.97};
        break;
      case Weather::HeavyRain:
        a.ambient = 0.78;
        a.tint = {1.04, 1.0, 0.96};
        break;
      default: break;
    }
    if (s.low_contrast) a.contrast = 0.75;
  }
  return a;
}

void draw_sky(const SceneSpec& s, const Camera& cam, Painter& p) {
  cv::Mat& img = p.image();
  SkyColors c = sky_colors(s);
  int rows = std::min(img.rows, int(std::ceil(cam.hy)) + 1);
  for (int y = 0; y < rows; ++y) {
    double t = std::pow(double(y) / std::max(1.0, cam.hy), 1.6);
    img.row(y).setTo(mix(c.top, c.horizon, std::min(1.0, t)));
  }
  Rng r(s.seed ^ 0x5C1E5C1Eull);  // fixed per scene, so clouds stay put in a clip
  p.set_mask(false);
  p.set_depth(0);
  double sc = cam.scale();
  if (!s.night && s.weather == Weather::Clear) {
    cv::Point2d sun(r.uniform(0.1, 0.9) * cam.W, r.uniform(0.15, 0.6) * cam.hy);
    p.set_emissive(true);
    p.circle(sun, 14 * sc, {235, 250, 255});
    p.glow(sun, 70 * sc, {200, 240, 255}, 0.8);
    p.set_emissive(false);
  }
  if (s.night && (s.weather == Weather::Clear || s.weather == Weather::PartlyCloudy) && r.chance(0.5)) {
    p.set_emissive(true);
    cv::Point2d moon(r.uniform(0.1, 0.9) * cam.W, r.uniform(0.1, 0.5) * cam.hy);
    p.circle(moon, 9 * sc, {210, 225, 230});
    p.glow(moon, 25 * sc, {200, 210, 220}, 0.3);
    p.set_emissive(false);
  }
  int clouds = s.weather == Weather::PartlyCloudy                                    ? r.range(5, 9)
               : (s.weather == Weather::Overcast || s.weather == Weather::LightRain) ? r.range(3, 6)
                                                                                     : 0;
  cv::Scalar light = s.night ? cv::Scalar(70, 70, 72) : cv::Scalar(245, 245, 245);
  cv::Scalar dark = s.night ? cv::Scalar(50, 50, 52) : mix(c.top, cv::Scalar(150, 150, 150), 0.6);
  for (int i = 0; i < clouds; ++i) {
    cv::Point2d ctr(r.uniform(-0.1, 1.1) * cam.W, r.uniform(0.1, 0.8) * cam.hy);
    double w = r.uniform(60, 160) * sc;
    int puffs = r.range(3, 6);
    for (int k = 0; k < puffs; ++k) {
      cv::Point2d q = ctr + cv::Point2d(r.uniform(-1, 1) * w, r.uniform(-0.25, 0.1) * w);
      cv::Size2d ax(r.uniform(0.3, 0.6) * w, r.uniform(0.15, 0.3) * w);
      p.ellipse(q + cv::Point2d(0, ax.height * 0.25), ax, 0, dark);
      p.ellipse(q, ax * 0.9, 0, mix(light, c.horizon, s.weather == Weather::PartlyCloudy ? 0.1 : 0.5));
    }
  }
  p.set_mask(true);
}

}  // namespace cf::scenegen
