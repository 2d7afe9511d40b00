// Ground: terrain, sidewalks or shoulders, road surface in depth bands (so fog and wet sheen
// follow depth), crossing roads, the roundabout, and puddles.
#include <cmath>

#include "scenegen/render_internal.h"

namespace cf::scenegen {

namespace {

struct GroundColors {
  cv::Scalar terrain, sidewalk, shoulder, road, track, bike, island;
};

GroundColors ground_colors(const SceneSpec& s) {
  const RoadSpec& rd = s.road;
  GroundColors g;
  bool urban = rd.sidewalks;
  g.terrain = rd.snow_sides ? cv::Scalar(222, 222, 218) : urban ? cv::Scalar(95, 118, 112) : cv::Scalar(55, 125, 80);
  g.sidewalk = rd.snow_sides ? cv::Scalar(212, 212, 210) : cv::Scalar(165, 170, 172);
  g.shoulder = rd.snow_sides ? cv::Scalar(200, 200, 198) : cv::Scalar(95, 115, 128);
  g.road = rd.asphalt;
  if (rd.surface == Surface::Wet) g.road *= 0.65;
  if (rd.surface == Surface::Snow) g.road = cv::Scalar(205, 206, 208);
  g.track = rd.surface == Surface::Snow ? mix(rd.asphalt, g.road, 0.6) : g.road;
  g.bike = mix(g.road, cv::Scalar(60, 140, 60), 0.35);
  g.island = rd.snow_sides ? cv::Scalar(225, 225, 222) : cv::Scalar(50, 130, 70);
  return g;
}

// Road colour at depth z: a wet road reflects the sky more towards the horizon.
cv::Scalar road_at(const SceneSpec& s, const GroundColors& g, double z) {
  if (s.road.surface != Surface::Wet) return g.road;
  double sheen = 0.12 + 0.4 * z / (z + 35);
  return mix(g.road, sky_colors(s).horizon, sheen);
}

void ground_quad(const Camera& cam, Painter& p, double x0, double x1, double z0, double z1, const cv::Scalar& c) {
  p.quad(cam.project(x0, 0, z0), cam.project(x1, 0, z0), cam.project(x1, 0, z1), cam.project(x0, 0, z1), c);
}

void ground_circle(const Camera& cam, Painter& p, double xc, double zc, double rx, double rz, double zmin,
                   const cv::Scalar& c, int n = 48) {
  std::vector<cv::Point2d> pts;
  for (int i = 0; i < n; ++i) {
    double a = 2 * CV_PI * i / n;
    pts.push_back(cam.project(xc + rx * std::cos(a), 0, std::max(zmin, zc + rz * std::sin(a))));
  }
  p.poly(pts, c);
}

}  // namespace

void draw_ground(const SceneSpec& s, const Camera& cam, Painter& p) {
  const RoadSpec& rd = s.road;
  GroundColors g = ground_colors(s);
  p.set_mask(false);
  const double zn = std::max(0.8, cam.near_z() * 0.9), zf = 400;
  const double R = rd.right_edge(), L = rd.left_edge();
  const double jz = cam.rel(rd.junction_z), jw = rd.junction_w;
  const bool cross = rd.junction == Junction::FourWay || rd.junction == Junction::TIntersection;
  const bool ring = rd.junction == Junction::Roundabout;
  const double road_end = rd.junction == Junction::TIntersection ? jz + jw : ring ? jz + 1.0 : 1e9;
  const double side = rd.sidewalks ? 3.0 : 1.2;

  p.set_depth(zf);
  p.rect(-1, cam.hy - 1, cam.W + 1, cam.row_of(zf) + 1, g.terrain);
  std::vector<double> bands;
  for (double z = zf; z > zn; z /= 1.08) bands.push_back(z);
  bands.push_back(zn);
  for (size_t i = 0; i + 1 < bands.size(); ++i) {  // terrain, far to near
    p.set_depth(std::sqrt(bands[i] * bands[i + 1]));
    p.rect(-1, cam.row_of(bands[i]) - 1, cam.W + 1, cam.row_of(bands[i + 1]) + 1, g.terrain);
  }
  for (size_t i = 0; i + 1 < bands.size(); ++i) {  // road and sides, far to near
    double zb = bands[i] * 1.01, za = bands[i + 1];
    p.set_depth(std::sqrt(za * zb));
    if (za >= road_end) continue;
    double z1 = std::min(zb, road_end);
    ground_quad(cam, p, R, R + side, za, z1, rd.sidewalks ? g.sidewalk : g.shoulder);
    ground_quad(cam, p, L - side, L, za, z1, rd.sidewalks ? g.sidewalk : g.shoulder);
    ground_quad(cam, p, L, R, za, z1, road_at(s, g, p.depth()));
    if (rd.bike_lane) ground_quad(cam, p, rd.lanes_ego * rd.lane_w, R, za, z1, g.bike);
    if (rd.surface == Surface::Snow) {
      for (int k = -rd.lanes_opp; k < rd.lanes_ego; ++k) {
        double c = (k + 0.5) * rd.lane_w;
        ground_quad(cam, p, c - 0.9, c - 0.6, za, z1, g.track);
        ground_quad(cam, p, c + 0.6, c + 0.9, za, z1, g.track);
      }
    }
    if (rd.sidewalks) {  // curbs
      ground_quad(cam, p, R, R + 0.15, za, z1, g.sidewalk * 0.75);
      ground_quad(cam, p, L - 0.15, L, za, z1, g.sidewalk * 0.75);
    }
  }

  if (cross && jz + jw + side > zn) {
    auto zc = [&](double z) { return std::max(z, zn * 0.9); };
    p.set_depth(std::max(jz, 1.0));
    double far_l = rd.junction == Junction::TIntersection ? -150 : L;
    double far_r = rd.junction == Junction::TIntersection ? 150 : R;
    if (jz > zn) {
      ground_quad(cam, p, R, 150, zc(jz - side), zc(jz), g.sidewalk);
      ground_quad(cam, p, -150, L, zc(jz - side), zc(jz), g.sidewalk);
    }
    ground_quad(cam, p, far_r == R ? R : -150, 150, zc(jz + jw), zc(jz + jw + side), g.sidewalk);
    if (far_l == L) ground_quad(cam, p, -150, L, zc(jz + jw), zc(jz + jw + side), g.sidewalk);
    ground_quad(cam, p, -150, 150, zc(jz), zc(jz + jw), road_at(s, g, std::max(jz, 1.0)));
  }
  if (ring && jz + 2 * jw + 2 * rd.roundabout_r > zn) {
    double rr = rd.roundabout_r, zc = jz + jw + rr, xc = 0.5 * (L + R);
    p.set_depth(std::max(zc, 1.0));
    ground_quad(cam, p, L, R, std::max(zc, zn), 300, road_at(s, g, zc + 30));
    ground_quad(cam, p, -150, 150, std::max(zc - 3.5, zn), std::max(zc + 3.5, zn), road_at(s, g, zc));
    ground_circle(cam, p, xc, zc, rr + jw, rr + jw, zn, road_at(s, g, zc));
    ground_circle(cam, p, xc, zc, rr + 0.4, rr + 0.4, zn, g.sidewalk);
    ground_circle(cam, p, xc, zc, rr, rr, zn, g.island);
  }

  if (rd.puddles) {  // fixed in the world: they scroll with the road
    Rng r(s.seed ^ 0x9D1E5ull);
    cv::Scalar refl = mix(sky_colors(s).top, sky_colors(s).horizon, 0.5);
    for (int i = r.range(3, 8); i > 0; --i) {
      double x = r.uniform(L + 0.5, R - 0.5), z = cam.rel(r.uniform(4, 70));
      double rx = r.uniform(0.5, 1.8), rz = r.uniform(0.4, 1.4);
      if (z - rz < zn || z > road_end) continue;
      p.set_depth(z);
      std::vector<cv::Point2d> pts;
      for (int k = 0; k < 16; ++k) {
        double a = 2 * CV_PI * k / 16;
        pts.push_back(cam.project(x + rx * std::cos(a), 0, z + rz * std::sin(a)));
      }
      p.blend_poly(pts, refl, s.night ? 0.25 : 0.45);
    }
  }
  p.set_mask(true);
}

}  // namespace cf::scenegen
