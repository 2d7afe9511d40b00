// Pedestrians, cyclists, animals and debris, plus the per-class dispatch of draw_object.
#include <cmath>

#include "scenegen/render_internal.h"

namespace cf::scenegen {

namespace {

struct Sprite {  // a vertical billboard at depth z: offsets in metres from the base centre
  Painter& p;
  cv::Point2d base;
  double k;
  cv::Point2d at(double dx, double y) const { return {base.x + dx * k, base.y - y * k}; }
  void limb(double x0, double y0, double x1, double y1, double w, const cv::Scalar& c) {
    p.line(at(x0, y0), at(x1, y1), std::max(1.0, w * k), c);
  }
};

uint64_t hash_id(const SceneSpec& s, int id) {
  uint64_t x = s.seed + static_cast<uint64_t>(id) * 0x9E37ull;
  return splitmix64(x);
}

void draw_person(const SceneObject& o, const SceneSpec& s, Sprite& g, double t) {
  static const cv::Scalar skins[] = {{120, 160, 210}, {90, 130, 180}, {60, 90, 130}, {150, 190, 230}};
  static const cv::Scalar pants[] = {{90, 50, 30}, {30, 30, 30}, {100, 100, 100}, {50, 70, 100}, {150, 180, 200}};
  uint64_t hsh = hash_id(s, o.id);
  cv::Scalar skin = skins[hsh % 4], leg = pants[(hsh >> 8) % 5];
  double h = o.h, child = o.kind.find("child") != std::string::npos ? 1.2 : 1.0;
  bool moving = o.motion.vx != 0 || o.motion.vz != 0;
  double ph = moving ? std::sin(t * 2 * CV_PI * 1.8 + double(hsh % 7)) : 0.3;
  if (o.side_view) {
    double stride = 0.16 * h;
    g.limb(0, 0.48 * h, ph * stride, 0, 0.075 * h, leg);
    g.limb(0, 0.48 * h, -ph * stride, 0, 0.075 * h, leg * 0.8);
    g.p.rect(g.at(-0.08 * h, 0.8 * h).x, g.at(0, 0.8 * h).y, g.at(0.08 * h, 0).x, g.at(0, 0.47 * h).y, o.color);
    g.limb(0, 0.78 * h, -ph * 0.12 * h, 0.5 * h, 0.05 * h, o.color * 0.8);
  } else {
    double spread = 0.05 * h;
    g.limb(-spread, 0.48 * h, -spread - 0.01 * h, 0, 0.075 * h, leg);
    g.limb(spread, 0.48 * h, spread + 0.01 * h, 0, 0.075 * h, leg);
    g.p.quad(g.at(-0.11 * h, 0.46 * h), g.at(0.11 * h, 0.46 * h), g.at(0.13 * h, 0.8 * h), g.at(-0.13 * h, 0.8 * h),
             o.color);
    g.limb(-0.15 * h, 0.79 * h, -0.17 * h, 0.5 * h, 0.05 * h, o.color * 0.85);
    g.limb(0.15 * h, 0.79 * h, 0.17 * h, 0.5 * h, 0.05 * h, o.color * 0.85);
  }
  double hr = 0.065 * h * child;
  g.p.circle(g.at(0, 0.8 * h + hr * 1.2), hr * g.k, o.facing_ego || o.side_view ? skin : cv::Scalar(30, 40, 60));
  g.p.ellipse(g.at(0, 0.8 * h + hr * 1.75), {hr * g.k, hr * 0.55 * g.k}, 0, {30, 40, 60});
}

void draw_cyclist(const SceneObject& o, const SceneSpec& s, Sprite& g, double t) {
  double ph = std::sin(t * 2 * CV_PI * 1.2);
  g.p.ellipse(g.at(0, 0.34), {std::max(1.0, 0.035 * g.k), 0.34 * g.k}, 0, {20, 20, 20});
  g.limb(-0.12, 0.95, -0.08, 0.35 + 0.12 * ph, 0.1, {60, 50, 40});
  g.limb(0.12, 0.95, 0.08, 0.35 - 0.12 * ph, 0.1, {60, 50, 40});
  g.p.quad(g.at(-0.17, 0.93), g.at(0.17, 0.93), g.at(0.21, 1.42), g.at(-0.21, 1.42), o.color);
  g.limb(-0.2, 1.38, -0.3, 1.05, 0.06, o.color * 0.85);
  g.limb(0.2, 1.38, 0.3, 1.05, 0.06, o.color * 0.85);
  g.limb(-0.32, 1.05, 0.32, 1.05, 0.03, {40, 40, 40});
  g.p.circle(g.at(0, 1.56), 0.11 * g.k, {30, 40, 60});
  g.p.ellipse(g.at(0, 1.62), {0.13 * g.k, 0.07 * g.k}, 0, {20, 180, 240});
  g.p.set_emissive(s.night);
  g.p.rect(g.at(-0.04, 0.8).x, g.at(0, 0.8).y, g.at(0.04, 0.7).x, g.at(0, 0.7).y, {40, 40, 220});
  g.p.set_emissive(false);
  if (s.night) g.p.glow(g.at(0, 0.75), std::max(2.0, 0.25 * g.k), {40, 40, 255}, 0.6);
}

void draw_animal(const SceneObject& o, const SceneSpec& s, Sprite& g, double t) {
  double L = o.w, h = o.h, dir = o.facing_ego ? -1 : 1;
  bool moving = o.motion.vx != 0;
  double ph = moving ? std::sin(t * 2 * CV_PI * 2.0) : 0.0;
  double body_y = (o.kind == "dog" ? 0.6 : 0.65) * h, leg_w = (o.kind == "dog" ? 0.07 : 0.05) * L;
  cv::Scalar c = o.color, dark = o.color * 0.7;
  for (double u : {-0.28, -0.2, 0.2, 0.28})
    g.limb(u * L, body_y, u * L + (u > 0 ? ph : -ph) * 0.06 * L, 0, leg_w, u < 0 ? dark : c);
  g.p.ellipse(g.at(0, body_y), {0.36 * L * g.k, 0.17 * h * g.k}, 0, c);
  g.limb(dir * 0.3 * L, body_y + 0.05 * h, dir * 0.42 * L, 0.9 * h, 0.09 * L, c);
  g.p.ellipse(g.at(dir * 0.47 * L, 0.9 * h), {0.1 * L * g.k, 0.065 * h * g.k}, dir * 15, dark);
  g.limb(-dir * 0.35 * L, body_y + 0.05 * h, -dir * 0.45 * L, body_y - 0.15 * h, 0.03 * L, dark);
  if (o.kind == "deer") {
    g.limb(dir * 0.45 * L, 0.95 * h, dir * 0.4 * L, 1.1 * h, 0.02 * L, {60, 90, 110});
    g.limb(dir * 0.47 * L, 0.95 * h, dir * 0.55 * L, 1.08 * h, 0.02 * L, {60, 90, 110});
  } else if (o.kind == "cow") {
    uint64_t hsh = hash_id(s, o.id);
    for (int i = 0; i < 3; ++i) {
      double u = ((hsh >> (8 * i)) % 100) / 100.0 - 0.5;
      g.p.ellipse(g.at(u * 0.5 * L, body_y + 0.03 * h), {0.08 * L * g.k, 0.06 * h * g.k}, 0, {30, 30, 30});
    }
  }
}

void draw_debris(const SceneObject& o, cv::Point2d pos, const SceneSpec& s, const Camera& cam, Painter& p) {
  double z = cam.rel(pos.y), k = cam.ppm(z), x = pos.x, hw = o.w / 2;
  auto P = [&](double dx, double y, double zz) { return cam.project(x + dx, y, zz); };
  if (o.kind == "tire") {
    cv::Point2d c = P(0, o.h / 2, z);
    double r = o.h / 2 * k;
    p.circle(c, r, o.color);
    p.circle(c, r * 0.62, {45, 45, 45});
    p.circle(c, r * 0.35, {125, 125, 128});
  } else if (o.kind == "mattress" || o.kind == "cargo_box") {
    cv::Scalar top = mix(o.color, {255, 255, 255}, 0.25), front = o.color * 0.85;
    p.quad(P(-hw, o.h, z), P(hw, o.h, z), P(hw, o.h, z + o.len), P(-hw, o.h, z + o.len), top);
    cv::Point2d a = P(-hw, o.h, z), b = P(hw, 0, z);
    p.rect(a.x, a.y, b.x, b.y, front);
    if (o.kind == "cargo_box") {
      p.quad(P(-0.06, o.h, z), P(0.06, o.h, z), P(0.06, o.h, z + o.len), P(-0.06, o.h, z + o.len), {120, 190, 210});
      p.rect(P(-0.06, o.h, z).x, a.y, P(0.06, 0, z).x, b.y, {110, 180, 200});
    } else {
      for (double u : {-0.25, 0.25}) p.line(P(u * o.w, o.h, z), P(u * o.w, o.h, z + o.len), 1.0, o.color * 0.7);
    }
  } else if (o.kind == "rock") {
    uint64_t hsh = hash_id(s, o.id);
    std::vector<cv::Point2d> pts;
    cv::Point2d c = P(0, o.h / 2, z);
    for (int i = 0; i < 9; ++i) {
      double a = 2 * CV_PI * i / 9, rr = 0.75 + 0.25 * (((hsh >> (6 * i)) & 63) / 63.0);
      cv::Point2d q(c.x + std::cos(a) * hw * k * rr, c.y + std::sin(a) * o.h / 2 * k * rr);
      q.y = std::min(q.y, P(0, 0, z).y);
      pts.push_back(q);
    }
    p.poly(pts, o.color);
    p.ellipse(c - cv::Point2d(0.1 * hw * k, 0.15 * o.h * k), {0.4 * hw * k, 0.2 * o.h * k}, 0, o.color * 1.25);
  } else {  // tree branch
    p.line(P(-hw, 0.1, z), P(hw, 0.25, z), std::max(1.0, 0.12 * k), o.color);
    p.line(P(0, 0.18, z), P(0.4 * hw, o.h, z), std::max(1.0, 0.06 * k), o.color);
    for (double u : {-0.6, 0.1, 0.6}) p.ellipse(P(u * hw, 0.3, z), {0.25 * k, 0.12 * k}, 0, {40, 110, 50});
  }
}

}  // namespace

void draw_object(const SceneObject& o, cv::Point2d pos, const SceneSpec& s, const Camera& cam, Painter& p, double t) {
  double z = cam.rel(pos.y);
  if (z < 1.2 || z > 250) return;
  p.set_depth(z);
  p.set_id(o.id);
  Sprite g{p, cam.project(pos.x, 0, z), cam.ppm(z)};
  switch (o.cls) {
    case ObjClass::Car:
    case ObjClass::Truck:
    case ObjClass::Bus: draw_vehicle(o, pos, s, cam, p, t); break;
    case ObjClass::Pedestrian: draw_person(o, s, g, t); break;
    case ObjClass::Cyclist: draw_cyclist(o, s, g, t); break;
    case ObjClass::Animal: draw_animal(o, s, g, t); break;
    case ObjClass::Debris: draw_debris(o, pos, s, cam, p); break;
    default: draw_road_furniture(o, pos, s, cam, p); break;
  }
}

}  // namespace cf::scenegen
