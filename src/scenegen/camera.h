// Pinhole dashcam over a flat ground plane. Road coordinates (x lateral, y up, z forward) are
// bent by the road curvature relative to the ego, so a curve ahead stays a curve while driving.
#pragma once
#include <algorithm>

#include <opencv2/core.hpp>

#include "scenegen/scene_spec.h"

namespace cf::scenegen {

struct Camera {
  int W = 1280, H = 720;
  double f = 1150, cx = 640, hy = 324;  // focal length (px), principal point, horizon row
  double cam_h = 1.4;                   // metres above ground
  double ego_x = 0;                     // lateral position of the camera in road coordinates
  double s = 0;                         // ego distance travelled (world z of the camera)
  double curvature = 0;

  static Camera for_scene(const SceneSpec& spec, double t) {
    Camera c;
    c.W = spec.width;
    c.H = spec.height;
    c.f = 0.9 * spec.width;
    c.cx = 0.5 * spec.width;
    c.hy = spec.horizon * spec.height;
    c.curvature = spec.road.curvature;
    c.ego_x = spec.road.lane_center(spec.road.ego_lane) + spec.ego.lateral(t);
    c.s = spec.ego.distance(t);
    return c;
  }
  double rel(double z_world) const { return z_world - s; }
  // Project road point (x, y, zr) with zr the depth relative to the camera (> 0).
  cv::Point2d project(double x, double y, double zr) const {
    double X = x + 0.5 * curvature * zr * zr - ego_x;
    return {cx + f * X / zr, hy + f * (cam_h - y) / zr};
  }
  double ppm(double zr) const { return f / zr; }                       // pixels per metre at depth zr
  double near_z() const { return f * cam_h / std::max(1.0, H - hy); }  // ground at the bottom row
  double row_of(double zr) const { return hy + f * cam_h / zr; }
  double scale() const { return W / 1280.0; }  // for pixel-sized effects
};

}  // namespace cf::scenegen
