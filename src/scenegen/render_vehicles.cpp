// Cars, trucks and buses: rear or front view with a visible side face and wheels, or a side
// profile for cross traffic. Lamps are emissive and glow at night.
#include <cmath>

#include "scenegen/render_internal.h"

namespace cf::scenegen {

namespace {

const cv::Scalar kGlass(70, 60, 52), kTire(22, 22, 24), kRed(40, 40, 210), kHead(215, 235, 245), kAmber(0, 170, 255);

struct Face {  // a vertical plane at depth z, in metres relative to the base centre
  const Camera& cam;
  Painter& p;
  cv::Point2d base;
  double k;
  cv::Point2d at(double dx, double y) const { return {base.x + dx * k, base.y - y * k}; }
  void rect(double x0, double y0, double x1, double y1, const cv::Scalar& c) {
    cv::Point2d a = at(x0, y0), b = at(x1, y1);
    p.rect(std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.x, b.x), std::max(a.y, b.y), c);
  }
  void trap(double xb0, double xb1, double yb, double xt0, double xt1, double yt, const cv::Scalar& c) {
    p.quad(at(xb0, yb), at(xb1, yb), at(xt1, yt), at(xt0, yt), c);
  }
};

void lamp(Face& f, const SceneSpec& s, double x0, double y0, double x1, double y1, const cv::Scalar& c, bool on,
          double glow_strength) {
  f.p.set_emissive(on);
  f.rect(x0, y0, x1, y1, on ? c : c * 0.75);
  f.p.set_emissive(false);
  if (on) {
    cv::Point2d ctr = (f.at(x0, y0) + f.at(x1, y1)) * 0.5;
    cv::Point2d refl = s.road.surface == Surface::Wet ? f.at(0.5 * (x0 + x1), -(y0 + y1) * 0.6) : cv::Point2d(-1, -1);
    double r = std::min(std::max(3.0, 0.3 * f.k), 30.0 * f.cam.scale());
    f.p.glow(ctr, r, c, glow_strength, refl);
  }
}

void side_profile(const SceneObject& o, cv::Point2d pos, const SceneSpec& s, Face& f) {
  double L = o.w > o.len ? o.w : o.len, hl = L / 2, h = o.h;
  double dir = o.facing_ego ? -1 : 1;  // front towards -x (left) or +x
  if (o.cls == ObjClass::Car) {
    f.rect(-hl, 0.25, hl, 0.62 * h, o.color);
    f.trap(dir * 0.25 * L, -dir * 0.45 * L, 0.62 * h, dir * 0.05 * L, -dir * 0.35 * L, h, o.color * 0.9);
    f.trap(dir * 0.2 * L, -dir * 0.4 * L, 0.64 * h, dir * 0.06 * L, -dir * 0.32 * L, 0.95 * h, kGlass);
  } else {
    double cab = 2.3;
    f.rect(dir * hl - dir * cab, 0.4, dir * hl, 2.9, o.color);
    f.rect(dir * hl - dir * cab * 0.45, 1.7, dir * hl - dir * 0.1, 2.6, kGlass);
    f.rect(-dir * hl, 0.9, dir * hl - dir * (cab + 0.2), h, cv::Scalar(215, 215, 210));
  }
  for (double u : {-0.36, 0.36}) f.p.circle(f.at(u * L, 0.34), 0.34 * f.k, kTire);
  bool night = s.night;
  lamp(f, s, dir * hl - dir * 0.15, 0.55, dir * hl, 0.7, kHead, night, 0.9);
  lamp(f, s, -dir * hl, 0.6, -dir * hl + dir * 0.12, 0.75, kRed, night, 0.5);
}

}  // namespace

void draw_vehicle(const SceneObject& o, cv::Point2d pos, const SceneSpec& s, const Camera& cam, Painter& p, double t) {
  double z = cam.rel(pos.y);
  if (z < 1.5 || z > 250) return;
  p.set_depth(z);
  double k = cam.ppm(z), hw = o.w / 2, h = o.h, x = pos.x;
  Face f{cam, p, cam.project(x, 0, z), k};
  if (o.side_view) {
    if (!s.night) {
      double hl = std::max(o.w, o.len) / 2;
      p.shade({cam.project(x - hl, 0, z - 0.3), cam.project(x + hl, 0, z - 0.3), cam.project(x + hl, 0, z + 1.8),
               cam.project(x - hl, 0, z + 1.8)},
              0.6);
    }
    side_profile(o, pos, s, f);
    return;
  }
  if (!s.night)
    p.shade({cam.project(x - hw * 1.1, 0, z - 0.3), cam.project(x + hw * 1.1, 0, z - 0.3),
             cam.project(x + hw * 1.1, 0, z + o.len), cam.project(x - hw * 1.1, 0, z + o.len)},
            0.55);
  // Side face towards the camera.
  double sx = f.base.x > cam.cx + hw * k ? x - hw : (f.base.x < cam.cx - hw * k ? x + hw : 0);
  if (sx != 0) {
    double z1 = z + o.len, yb = o.cls == ObjClass::Car ? 0.62 * h : h;
    p.set_depth(z + o.len / 2);
    p.quad(cam.project(sx, 0.18, z), cam.project(sx, 0.18, z1), cam.project(sx, yb, z1), cam.project(sx, yb, z),
           o.color * 0.72);
    if (o.cls == ObjClass::Car) {
      double a = o.facing_ego ? 0.2 : 0.15, b = o.facing_ego ? 0.85 : 0.8;
      p.quad(cam.project(sx, yb, z + a * o.len), cam.project(sx, yb, z + b * o.len),
             cam.project(sx, h, z + (b - 0.15) * o.len), cam.project(sx, h, z + (a + 0.15) * o.len), kGlass);
    } else if (o.cls == ObjClass::Bus) {
      p.quad(cam.project(sx, 1.4, z + 0.3), cam.project(sx, 1.4, z1 - 0.3), cam.project(sx, h - 0.5, z1 - 0.3),
             cam.project(sx, h - 0.5, z + 0.3), kGlass);
    }
    for (double u : {0.15, 0.82}) {
      double zz = z + u * o.len;
      p.ellipse(cam.project(sx, 0.35, zz), {std::max(1.0, 0.12 * cam.ppm(zz)), 0.35 * cam.ppm(zz)}, 0, kTire);
    }
    p.set_depth(z);
  }
  // Wheels under the near face.
  f.rect(-hw + 0.1, 0, -hw + 0.4, 0.4, kTire);
  f.rect(hw - 0.4, 0, hw - 0.1, 0.4, kTire);
  bool front = o.facing_ego, night = s.night;
  cv::Scalar lampc = front ? kHead : kRed;
  if (o.cls == ObjClass::Car) {
    f.rect(-hw, 0.18, hw, 0.62 * h, o.color);
    f.rect(-hw, 0.15, hw, 0.32, o.color * 0.55);
    f.trap(-hw + 0.06, hw - 0.06, 0.62 * h, -hw + 0.22, hw - 0.22, h, o.color * 0.9);
    f.trap(-hw + 0.14, hw - 0.14, 0.64 * h, -hw + 0.27, hw - 0.27, 0.95 * h, kGlass);
    f.rect(-0.25, 0.24, 0.25, 0.36, {215, 215, 215});
    lamp(f, s, -hw + 0.05, 0.46 * h, -hw + 0.4, 0.56 * h, lampc, night, front ? 0.9 : 0.45);
    lamp(f, s, hw - 0.4, 0.46 * h, hw - 0.05, 0.56 * h, lampc, night, front ? 0.9 : 0.45);
    if (o.kind == "taxi") f.rect(-0.25, h, 0.25, h + 0.18, {60, 220, 240});
  } else if (o.cls == ObjClass::Truck) {
    if (front) {
      f.rect(-hw + 0.1, 2.9, hw - 0.1, h, {205, 205, 200});
      f.rect(-hw, 0.4, hw, 2.9, o.color);
      f.rect(-hw + 0.15, 1.7, hw - 0.15, 2.7, kGlass);
      f.rect(-0.7, 0.6, 0.7, 1.4, o.color * 0.4);
    } else {
      f.rect(-hw, 0.55, hw, 0.9, {40, 40, 42});
      f.rect(-hw, 0.9, hw, h, o.kind == "box_truck" ? o.color : cv::Scalar(200, 200, 195));
      f.rect(-0.03, 1.0, 0.03, h - 0.1, o.color * 0.5);
    }
    lamp(f, s, -hw + 0.05, 0.7, -hw + 0.35, 0.85, lampc, night, front ? 0.9 : 0.45);
    lamp(f, s, hw - 0.35, 0.7, hw - 0.05, 0.85, lampc, night, front ? 0.9 : 0.45);
  } else {  // bus
    f.rect(-hw, 0.25, hw, h, o.color);
    if (front) {
      f.rect(-hw + 0.1, 1.0, hw - 0.1, h - 0.45, kGlass);
      p.set_emissive(true);
      f.rect(-hw + 0.3, h - 0.4, hw - 0.3, h - 0.1, {20, 20, 20});
      p.text("42", f.at(0, h - 0.25), 0.22 * k, {0, 160, 255});
      p.set_emissive(false);
    } else {
      f.rect(-hw + 0.2, h - 1.1, hw - 0.2, h - 0.3, kGlass);
      for (double y = 0.6; y < 1.2; y += 0.15) f.rect(-0.6, y, 0.6, y + 0.05, o.color * 0.5);
    }
    lamp(f, s, -hw + 0.05, 0.5, -hw + 0.3, 0.9, lampc, night, front ? 0.9 : 0.45);
    lamp(f, s, hw - 0.3, 0.5, hw - 0.05, 0.9, lampc, night, front ? 0.9 : 0.45);
  }
  if (o.blinker && std::fmod(t, 0.7) < 0.35) {
    double xb = front ? hw - 0.25 : -hw + 0.02;
    lamp(f, s, xb, 0.58 * std::min(h, 1.6), xb + 0.22, 0.68 * std::min(h, 1.6), kAmber, true, 0.8);
  }
}

}  // namespace cf::scenegen
