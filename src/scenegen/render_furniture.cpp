// Traffic lights, traffic signs, cones and barriers. Poles are drawn with mask value 0: they
// occlude but are not part of the instance (the box covers the head or plate).
#include <cmath>

#include "scenegen/render_internal.h"

namespace cf::scenegen {

namespace {

const cv::Scalar kRedSign(35, 30, 200), kWhite(235, 235, 235), kBlue(170, 90, 20), kBlack(25, 25, 25),
    kPole(110, 110, 112), kYellowSign(20, 200, 240);

std::vector<cv::Point2d> regular(cv::Point2d c, double r, int n, double phase_deg) {
  std::vector<cv::Point2d> v;
  for (int i = 0; i < n; ++i) {
    double a = (phase_deg + 360.0 * i / n) * CV_PI / 180.0;
    v.push_back({c.x + r * std::cos(a), c.y + r * std::sin(a)});
  }
  return v;
}

void draw_light(const SceneObject& o, double x, double z, const SceneSpec& s, const Camera& cam, Painter& p) {
  double k = cam.ppm(z), top = o.elev + o.h + 0.25;
  p.set_id(0);
  if (o.overhead) {
    double xp = s.road.right_edge() + 0.8;
    p.line(cam.project(xp, 0, z), cam.project(xp, top, z), std::max(1.0, 0.2 * k), kPole);
    p.line(cam.project(xp, top, z), cam.project(x, top, z), std::max(1.0, 0.12 * k), kPole);
  } else {
    p.line(cam.project(x, 0, z), cam.project(x, o.elev, z), std::max(1.0, 0.14 * k), kPole);
  }
  p.set_id(o.id);
  cv::Point2d a = cam.project(x - o.w / 2, o.elev + o.h, z), b = cam.project(x + o.w / 2, o.elev, z);
  p.rect(a.x, a.y, b.x, b.y, {32, 32, 34});
  static const char* names[] = {"red", "yellow", "green"};
  const cv::Scalar on[] = {{50, 50, 255}, {0, 200, 255}, {140, 235, 60}};
  for (int i = 0; i < 3; ++i) {
    bool lit = o.state == names[i];
    cv::Point2d c = cam.project(x, o.elev + o.h * (0.8 - 0.3 * i), z);
    p.set_emissive(lit);
    p.circle(c, std::max(0.8, 0.12 * k), lit ? on[i] : on[i] * 0.22 + cv::Scalar(25, 25, 25));
    p.set_emissive(false);
    if (lit) p.glow(c, std::max(3.0, 0.45 * k), on[i], s.night ? 0.9 : 0.35);
  }
}

void draw_sign(const SceneObject& o, double x, double z, const Camera& cam, Painter& p) {
  double k = cam.ppm(z);
  p.set_id(0);
  p.line(cam.project(x, 0, z), cam.project(x, o.elev, z), std::max(1.0, 0.08 * k), kPole);
  p.set_id(o.id);
  cv::Point2d c = cam.project(x, o.elev + o.h / 2, z);
  double r = std::max(1.0, o.h / 2 * k);
  const std::string& t = o.kind;
  if (t == "stop") {
    p.poly(regular(c, r, 8, 22.5), kRedSign);
    p.poly(regular(c, r * 0.88, 8, 22.5), kWhite);
    p.poly(regular(c, r * 0.8, 8, 22.5), kRedSign);
    p.text("STOP", c, r * 0.42, kWhite);
  } else if (t == "yield") {
    p.poly({{c.x - r, c.y - 0.8 * r}, {c.x + r, c.y - 0.8 * r}, {c.x, c.y + r}}, kRedSign);
    p.poly({{c.x - 0.6 * r, c.y - 0.55 * r}, {c.x + 0.6 * r, c.y - 0.55 * r}, {c.x, c.y + 0.5 * r}}, kWhite);
  } else if (t == "speed_limit") {
    p.circle(c, r, kRedSign);
    p.circle(c, r * 0.78, kWhite);
    p.text(std::to_string(o.speed), c, r * 0.6, kBlack);
  } else if (t == "no_entry") {
    p.circle(c, r, kRedSign);
    p.rect(c.x - 0.65 * r, c.y - 0.17 * r, c.x + 0.65 * r, c.y + 0.17 * r, kWhite);
  } else if (t == "pedestrian_crossing") {
    p.rect(c.x - r, c.y - r, c.x + r, c.y + r, kBlue);
    p.poly({{c.x, c.y - 0.8 * r}, {c.x + 0.8 * r, c.y + 0.65 * r}, {c.x - 0.8 * r, c.y + 0.65 * r}}, kWhite);
    p.circle({c.x, c.y - 0.2 * r}, 0.1 * r, kBlack);
    p.line({c.x, c.y - 0.1 * r}, {c.x - 0.1 * r, c.y + 0.5 * r}, std::max(1.0, 0.08 * r), kBlack);
  } else if (t == "keep_right") {
    p.circle(c, r, kBlue);
    p.line({c.x - 0.4 * r, c.y - 0.4 * r}, {c.x + 0.3 * r, c.y + 0.3 * r}, std::max(1.0, 0.16 * r), kWhite);
    p.poly({{c.x + 0.5 * r, c.y + 0.5 * r}, {c.x + 0.5 * r, c.y}, {c.x, c.y + 0.5 * r}}, kWhite);
  } else if (t == "no_parking") {
    p.circle(c, r, kRedSign);
    p.circle(c, r * 0.78, kBlue);
    p.line({c.x - 0.55 * r, c.y - 0.55 * r}, {c.x + 0.55 * r, c.y + 0.55 * r}, std::max(1.0, 0.16 * r), kRedSign);
  } else if (t == "road_work") {
    p.poly({{c.x, c.y - r}, {c.x + r, c.y + 0.8 * r}, {c.x - r, c.y + 0.8 * r}}, kRedSign);
    p.poly({{c.x, c.y - 0.6 * r}, {c.x + 0.65 * r, c.y + 0.6 * r}, {c.x - 0.65 * r, c.y + 0.6 * r}}, kWhite);
    p.line({c.x - 0.1 * r, c.y - 0.15 * r}, {c.x + 0.15 * r, c.y + 0.45 * r}, std::max(1.0, 0.1 * r), kBlack);
    p.circle({c.x - 0.12 * r, c.y - 0.3 * r}, 0.09 * r, kBlack);
  } else {  // curve_ahead
    p.poly(regular(c, r, 4, 0), kBlack);
    p.poly(regular(c, r * 0.88, 4, 0), kYellowSign);
    double d = o.state == "left" ? -1 : 1;
    p.line({c.x, c.y + 0.45 * r}, {c.x, c.y}, std::max(1.0, 0.12 * r), kBlack);
    p.line({c.x, c.y}, {c.x + d * 0.3 * r, c.y - 0.35 * r}, std::max(1.0, 0.12 * r), kBlack);
  }
}

void draw_cone(const SceneObject& o, double x, double z, const Camera& cam, Painter& p) {
  double k = cam.ppm(z), w = o.w;
  cv::Point2d b = cam.project(x, 0, z);
  auto at = [&](double dx, double y) { return cv::Point2d(b.x + dx * k, b.y - y * k); };
  p.rect(b.x - 0.55 * w * k, b.y - 0.06 * k, b.x + 0.55 * w * k, b.y, {30, 30, 30});
  p.poly({at(-0.45 * w, 0.05), at(0.45 * w, 0.05), at(0.08 * w, o.h), at(-0.08 * w, o.h)}, o.color);
  auto half = [&](double y) { return 0.45 * w - (0.37 * w) * (y - 0.05) / (o.h - 0.05); };
  double y0 = 0.42 * o.h, y1 = 0.58 * o.h;
  p.poly({at(-half(y0), y0), at(half(y0), y0), at(half(y1), y1), at(-half(y1), y1)}, kWhite);
}

void draw_barrier(const SceneObject& o, double x, double z, const SceneSpec& s, const Camera& cam, Painter& p) {
  double k = cam.ppm(z), hw = o.w / 2;
  cv::Point2d b = cam.project(x, 0, z);
  auto at = [&](double dx, double y) { return cv::Point2d(b.x + dx * k, b.y - y * k); };
  if (o.kind == "chevron_board") {
    for (double u : {-0.8, 0.8}) p.line(at(u * hw, 0), at(u * hw, o.elev), std::max(1.0, 0.08 * k), kPole);
    cv::Point2d a = at(-hw, o.elev + o.h), c = at(hw, o.elev);
    p.rect(a.x, a.y, c.x, c.y, o.color);
    for (int i = -1; i <= 1; ++i) {
      double cx = i * 0.6;
      p.line(at(cx + 0.15, o.elev + 0.1), at(cx - 0.15, o.elev + o.h / 2), std::max(1.0, 0.08 * k), kBlack);
      p.line(at(cx - 0.15, o.elev + o.h / 2), at(cx + 0.15, o.elev + o.h - 0.1), std::max(1.0, 0.08 * k), kBlack);
    }
    return;
  }
  for (double u : {-0.75, 0.75}) p.rect(at(u * hw - 0.04, 0).x, at(0, 0.5).y, at(u * hw + 0.04, 0).x, b.y, kPole);
  int bands = 6;
  for (int i = 0; i < bands; ++i) {
    cv::Point2d a = at(-hw + o.w * i / bands, o.h), c = at(-hw + o.w * (i + 1) / bands, 0.5);
    p.rect(a.x, a.y, c.x, c.y, i % 2 ? kWhite : o.color);
  }
  p.set_emissive(s.night);
  p.circle(at(-hw + 0.1, o.h + 0.08), std::max(0.8, 0.08 * k), {0, 170, 255});
  p.set_emissive(false);
  if (s.night) p.glow(at(-hw + 0.1, o.h + 0.08), std::max(3.0, 0.3 * k), {0, 170, 255}, 0.7);
}

}  // namespace

void draw_road_furniture(const SceneObject& o, cv::Point2d pos, const SceneSpec& s, const Camera& cam, Painter& p) {
  double z = cam.rel(pos.y);
  switch (o.cls) {
    case ObjClass::TrafficLight: draw_light(o, pos.x, z, s, cam, p); break;
    case ObjClass::TrafficSign: draw_sign(o, pos.x, z, cam, p); break;
    case ObjClass::Cone: draw_cone(o, pos.x, z, cam, p); break;
    default: draw_barrier(o, pos.x, z, s, cam, p); break;
  }
}

}  // namespace cf::scenegen
