// Internal steps of scene specification, shared by scene_spec.cpp, populate.cpp, clip_script.cpp.
#pragma once
#include "scenegen/rng.h"
#include "scenegen/scene_spec.h"

namespace cf::scenegen {

// Weather, lighting, road layout and junction. `force_*` constrain clips (-1 = free).
struct EnvConstraints {
  int min_lanes_ego = 1;
  int junction = -1;  // static_cast<int>(Junction)
  int control = -1;   // static_cast<int>(Control)
  bool prefer_country = false;
  bool urban = false;  // road types with sidewalks only
};
void make_environment(SceneSpec& s, const SpecOptions& opt, Rng& r, const EnvConstraints& c);
// Buildings, trees and street lights along the road up to z_max.
void make_props(SceneSpec& s, Rng& r, double z_max);
// Traffic, pedestrians, lights, signs, road works and (with corner_case_rate) hazards.
void populate(SceneSpec& s, Rng& r, double corner_case_rate, bool allow_hazards);

// Object factories (ids assigned by the caller via next_id).
struct NamedColor {
  const char* name;
  cv::Scalar bgr;
};
const NamedColor& random_vehicle_color(Rng& r);
const NamedColor& random_clothing_color(Rng& r);
SceneObject make_vehicle(Rng& r, ObjClass cls, double x, double z, bool facing_ego);
SceneObject make_pedestrian(Rng& r, double x, double z);
SceneObject make_animal(Rng& r, double x, double z);
SceneObject make_debris(Rng& r, double x, double z);
inline int next_id(const SceneSpec& s) { return static_cast<int>(s.objects.size()) + 1; }

}  // namespace cf::scenegen
