// Internal drawing passes of the scene renderer (render_scene.cpp calls them in order).
#pragma once
#include <opencv2/core.hpp>

#include "scenegen/camera.h"
#include "scenegen/painter.h"
#include "scenegen/rng.h"
#include "scenegen/scene_spec.h"

namespace cf::scenegen {

struct SkyColors {
  cv::Scalar top, horizon;
};
SkyColors sky_colors(const SceneSpec& s);
Atmosphere make_atmosphere(const SceneSpec& s);
inline cv::Scalar mix(const cv::Scalar& a, const cv::Scalar& b, double t) { return a * (1 - t) + b * t; }

// render_sky.cpp: gradient, sun, clouds, moon (no mask).
void draw_sky(const SceneSpec& s, const Camera& cam, Painter& p);
// render_road.cpp: terrain, sidewalks, road surface, junction geometry, puddles.
void draw_ground(const SceneSpec& s, const Camera& cam, Painter& p);
// render_markings.cpp: lane lines, stop line, crosswalk, yield teeth.
void draw_markings(const SceneSpec& s, const Camera& cam, Painter& p);
// render_props.cpp: building facades (background pass) and trees / street lights (depth pass).
void draw_buildings(const SceneSpec& s, const Camera& cam, Painter& p);
void draw_prop(const Prop& prop, const SceneSpec& s, const Camera& cam, Painter& p);
// render_objects.cpp (+ render_vehicles.cpp, render_furniture.cpp): one instance at `pos` = (x, z).
void draw_object(const SceneObject& o, cv::Point2d pos, const SceneSpec& s, const Camera& cam, Painter& p, double t);
void draw_vehicle(const SceneObject& o, cv::Point2d pos, const SceneSpec& s, const Camera& cam, Painter& p, double t);
void draw_road_furniture(const SceneObject& o, cv::Point2d pos, const SceneSpec& s, const Camera& cam,
                         Painter& p);  // lights, signs, cones, barriers
// render_weather.cpp: rain, snow, glow of lights, sensor noise.
void apply_weather(cv::Mat& img, const SceneSpec& s, const Camera& cam, const Painter& p, Rng& frame_rng);

}  // namespace cf::scenegen
