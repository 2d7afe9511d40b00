// Background scenery: building facades (drawn before all objects), trees and street lights
// (depth-sorted with the objects, mask value 0 so they occlude instances behind them).
#include <algorithm>
#include <cmath>

#include "scenegen/render_internal.h"

namespace cf::scenegen {

void draw_buildings(const SceneSpec& s, const Camera& cam, Painter& p) {
  p.set_mask(false);
  const double zmin = 0.6;
  // Far to near; facades never overlap objects on the road side of them.
  std::vector<const Prop*> order;
  for (const Prop& b : s.props)
    if (b.kind == PropKind::Building) order.push_back(&b);
  std::stable_sort(order.begin(), order.end(), [](const Prop* a, const Prop* b) { return a->z > b->z; });
  for (const Prop* b : order) {
    double z0 = cam.rel(b->z), z1 = cam.rel(b->z + b->len);
    if (z1 < zmin || z0 > 300) continue;
    z0 = std::max(z0, zmin);
    p.set_depth(0.5 * (z0 + z1));
    p.quad(cam.project(b->x, 0, z0), cam.project(b->x, 0, z1), cam.project(b->x, b->h, z1), cam.project(b->x, b->h, z0),
           b->color);
    // Windows: a grid on the facade, lit at random at night.
    uint64_t h = static_cast<uint64_t>(b->z * 1000) ^ s.seed;
    for (double zw = b->z + 1.0; zw + 2.2 < b->z + b->len; zw += 4.0) {
      double a = cam.rel(zw), e = cam.rel(zw + 1.8);
      if (a < zmin || cam.ppm(a) * 1.6 < 2.5) continue;
      p.set_depth(a);
      for (double y = 1.2; y + 1.8 < b->h; y += 3.2) {
        bool lit = s.night && (splitmix64(h) % 3 == 0);
        p.set_emissive(lit);
        p.quad(cam.project(b->x, y, a), cam.project(b->x, y, e), cam.project(b->x, y + 1.5, e),
               cam.project(b->x, y + 1.5, a), lit ? cv::Scalar(120, 200, 235) : b->color * 0.55);
        p.set_emissive(false);
      }
    }
  }
  p.set_mask(true);
}

void draw_prop(const Prop& prop, const SceneSpec& s, const Camera& cam, Painter& p) {
  double z = cam.rel(prop.z);
  if (z < 1.0 || z > 300) return;
  p.set_depth(z);
  p.set_id(0);
  double k = cam.ppm(z);
  cv::Point2d base = cam.project(prop.x, 0, z);
  if (prop.kind == PropKind::Tree) {
    double h = prop.h;
    p.rect(base.x - 0.15 * k, base.y - 0.45 * h * k, base.x + 0.15 * k, base.y, {40, 60, 80});
    cv::Point2d c = cam.project(prop.x, 0.68 * h, z);
    double r = 0.3 * h * k;
    p.circle(c + cv::Point2d(r * 0.15, r * 0.1), r, prop.color * 0.7);
    p.circle(c - cv::Point2d(r * 0.1, r * 0.1), r * 0.85, prop.color);
    if (s.road.snow_sides) p.ellipse(c - cv::Point2d(0, r * 0.45), {r * 0.7, r * 0.35}, 0, {225, 225, 225});
  } else if (prop.kind == PropKind::StreetLight) {
    double toward = prop.x > 0 ? -1 : 1;
    cv::Point2d top = cam.project(prop.x, prop.h, z);
    cv::Point2d arm = cam.project(prop.x + toward * 1.8, prop.h, z);
    p.line(base, top, std::max(1.0, 0.16 * k), prop.color);
    p.line(top, arm, std::max(1.0, 0.1 * k), prop.color);
    p.set_emissive(s.night);
    cv::Scalar lamp = s.night ? cv::Scalar(150, 220, 255) : cv::Scalar(190, 190, 185);
    p.ellipse(arm + cv::Point2d(0, 0.05 * k), {std::max(1.0, 0.35 * k), std::max(1.0, 0.1 * k)}, 0, lamp);
    p.set_emissive(false);
    if (s.night) {
      cv::Point2d refl =
          s.road.surface == Surface::Wet ? cam.project(prop.x + toward * 1.8, -prop.h * 0.6, z) : cv::Point2d(-1, -1);
      double lim = 60 * cam.scale();
      p.glow(arm, std::min(lim, std::max(4.0, 0.8 * k)), {120, 200, 255}, 0.8, refl);
    }
  }
}

}  // namespace cf::scenegen
