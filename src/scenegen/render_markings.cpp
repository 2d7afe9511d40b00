// Road markings: centre line, lane dividers (dashed, fixed in the world so they scroll in
// clips), edge lines, bike lane line, stop line, zebra crosswalk and roundabout yield teeth.
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "scenegen/render_internal.h"

namespace cf::scenegen {

namespace {

struct Ctx {
  const SceneSpec& s;
  const Camera& cam;
  Painter& p;
  double zn, zmax;
  std::vector<std::pair<double, double>> gaps;  // relative z ranges without lane lines
  cv::Scalar white, yellow;
};

bool in_gap(const Ctx& c, double z0, double z1) {
  for (auto& [a, b] : c.gaps)
    if (z1 > a && z0 < b) return true;
  return false;
}

void strip(Ctx& c, double x, double w, double z0, double z1, const cv::Scalar& col) {
  z0 = std::max(z0, c.zn);
  z1 = std::min(z1, c.zmax);
  if (z1 <= z0) return;
  std::vector<double> zs;
  for (double z = z0; z < z1; z *= 1.15) zs.push_back(z);
  zs.push_back(z1);
  std::vector<cv::Point2d> pts;
  for (double z : zs) pts.push_back(c.cam.project(x - w / 2, 0, z));
  for (auto it = zs.rbegin(); it != zs.rend(); ++it) pts.push_back(c.cam.project(x + w / 2, 0, *it));
  c.p.set_depth(std::sqrt(z0 * z1));
  c.p.poly(pts, col);
}

// A solid line over [zn, zmax] minus the gaps.
void solid(Ctx& c, double x, double w, const cv::Scalar& col) {
  double z = c.zn;
  std::vector<std::pair<double, double>> gaps = c.gaps;
  std::sort(gaps.begin(), gaps.end());
  for (auto& [a, b] : gaps) {
    if (a > z) strip(c, x, w, z, a, col);
    z = std::max(z, b);
  }
  strip(c, x, w, z, c.zmax, col);
}

void dashed(Ctx& c, double x, double w, const cv::Scalar& col, double dash = 3.0, double period = 9.0) {
  double s = c.cam.s;
  for (long k = long(std::floor((s + c.zn - dash) / period));; ++k) {
    double z0 = k * period - s, z1 = z0 + dash;
    if (z0 > std::min(c.zmax, 150.0)) break;
    if (z1 < c.zn || in_gap(c, z0, z1)) continue;
    strip(c, x, w, z0, z1, col);
  }
}

void across(Ctx& c, double x0, double x1, double z0, double z1, const cv::Scalar& col) {
  if (z1 < c.zn || z0 > c.zmax) return;
  z0 = std::max(z0, c.zn);
  c.p.set_depth(z0);
  c.p.quad(c.cam.project(x0, 0, z0), c.cam.project(x1, 0, z0), c.cam.project(x1, 0, z1), c.cam.project(x0, 0, z1), col);
}

}  // namespace

void draw_markings(const SceneSpec& s, const Camera& cam, Painter& p) {
  const RoadSpec& rd = s.road;
  p.set_mask(false);
  double fade = rd.surface == Surface::Snow ? 0.8 : 0.0;
  cv::Scalar surf = rd.surface == Surface::Snow ? cv::Scalar(205, 206, 208) : rd.asphalt;
  Ctx c{s,
        cam,
        p,
        std::max(0.8, cam.near_z() * 0.9),
        250,
        {},
        mix(cv::Scalar(225, 228, 230), surf, fade),
        mix(cv::Scalar(40, 185, 225), surf, fade)};
  const double jz = cam.rel(rd.junction_z), jw = rd.junction_w;
  const double cz = cam.rel(rd.crosswalk_z);
  if (rd.junction == Junction::TIntersection || rd.junction == Junction::Roundabout) c.zmax = jz;
  if (rd.junction == Junction::FourWay) c.gaps.push_back({jz - 1.0, jz + jw + 0.5});
  if (rd.crosswalk) c.gaps.push_back({cz - 0.5, cz + 3.5});

  const double R = rd.right_edge(), L = rd.left_edge();
  if (rd.lanes_opp > 0) {
    if (rd.center_line == "double_solid_yellow") {
      solid(c, -0.1, 0.1, c.yellow);
      solid(c, 0.1, 0.1, c.yellow);
    } else {
      dashed(c, 0, 0.12, rd.center_line == "dashed_yellow" ? c.yellow : c.white);
    }
  } else {
    solid(c, L + 0.2, 0.12, rd.center_line == "solid_yellow" ? c.yellow : c.white);
  }
  for (int i = 1; i < rd.lanes_ego; ++i) dashed(c, i * rd.lane_w, 0.12, c.white);
  for (int j = 1; j < rd.lanes_opp; ++j) dashed(c, -j * rd.lane_w, 0.12, c.white);
  if (rd.bike_lane) solid(c, rd.lanes_ego * rd.lane_w, 0.15, c.white);
  if (rd.edge_lines) {
    if (!rd.bike_lane) solid(c, R - 0.2, 0.12, c.white);
    if (rd.lanes_opp > 0) solid(c, L + 0.2, 0.12, c.white);
  }

  c.zmax = 250;
  double x_stop0 = rd.lanes_opp > 0 ? 0.2 : L + 0.3, x_stop1 = rd.lanes_ego * rd.lane_w;
  bool cross = rd.junction == Junction::FourWay || rd.junction == Junction::TIntersection;
  if (cross && rd.control != Control::None) {
    double zs = rd.crosswalk ? cz - 1.0 : jz - 1.5;
    across(c, x_stop0, x_stop1, zs - 0.45, zs, c.white);
  }
  if (rd.crosswalk)
    for (double x = L + 0.4; x + 0.5 < R; x += 1.0) across(c, x, x + 0.5, cz, cz + 3.0, c.white);
  if (rd.junction == Junction::Roundabout && jz - 0.5 > c.zn) {  // yield teeth
    p.set_depth(jz);
    for (double x = x_stop0; x + 0.5 < x_stop1; x += 0.9)
      p.poly({cam.project(x, 0, jz - 0.9), cam.project(x + 0.5, 0, jz - 0.9), cam.project(x + 0.25, 0, jz - 0.2)},
             c.white);
  }
  p.set_mask(true);
}

}  // namespace cf::scenegen
