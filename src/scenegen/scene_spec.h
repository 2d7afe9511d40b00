// The scene model: everything a renderer or annotator needs, drawn from a seed.
// World frame: x lateral metres in road coordinates (0 = centre line, + = right), z forward
// metres from the ego camera at t=0, y up. Ego lanes are right of 0, oncoming lanes left of it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace cf::scenegen {

enum class Weather { Clear, PartlyCloudy, Overcast, LightRain, HeavyRain, LightSnow, Fog };
enum class Junction { Straight, FourWay, TIntersection, Curve, Roundabout };
enum class Surface { Dry, Wet, Snow };
enum class Control { None, Lights, StopSign, Yield };
enum class ObjClass { Car, Truck, Bus, Pedestrian, Cyclist, TrafficLight, TrafficSign, Cone, Barrier, Animal, Debris };
enum class PropKind { Tree, StreetLight, Building };
enum class ClipEvent { None, PedestrianCrossing, CutIn, RedLight, Following, Animal, Debris };

const char* to_string(Weather w);  // config names: "clear", "partly_cloudy", ...
const char* to_string(Junction j);
const char* to_string(Surface s);
const char* to_string(Control c);
const char* to_string(ObjClass c);
const char* to_string(ClipEvent e);
bool parse_weather(const std::string& s, Weather* out);
const std::vector<std::string>& all_weather_names();
const std::vector<ObjClass>& all_classes();

struct RoadSpec {
  Junction junction = Junction::Straight;
  Control control = Control::None;   // at the junction
  int lanes_ego = 1, lanes_opp = 1;  // lanes_opp == 0: one-way street
  double lane_w = 3.5;
  int ego_lane = 0;                                 // 0 = lane next to the centre line
  std::string center_line = "double_solid_yellow";  // or "dashed_yellow", "dashed_white", "solid_white"
  bool edge_lines = true;
  bool sidewalks = true;
  bool bike_lane = false;  // 1.6 m at the right edge
  bool crosswalk = false;
  double crosswalk_z = 0;                 // near edge, world z
  double junction_z = 0, junction_w = 0;  // crossing road (four-way, T) or ring start (roundabout)
  double roundabout_r = 0;                // island radius
  double curvature = 0;                   // 1/m, + bends right
  Surface surface = Surface::Dry;
  bool snow_sides = false;
  bool puddles = false;
  cv::Scalar asphalt{70, 70, 72};
  std::string road_type;  // "local", "collector", "arterial", "one_way", "country", "highway"
  double right_edge() const { return lanes_ego * lane_w + (bike_lane ? 1.6 : 0.0); }
  double left_edge() const { return -lanes_opp * lane_w; }
  double lane_center(int lane) const { return (lane + 0.5) * lane_w; }  // ego direction
  double opp_center(int lane) const { return -(lane + 0.5) * lane_w; }
};

// A linear-plus-scripted motion for clips; images use t = 0.
struct Motion {
  double vx = 0, vz = 0, t_start = 0;         // constant velocity from t_start
  bool follow_ego = false;                    // z is a gap to the ego (z(t) = s_ego(t) + z0)
  double lat_dx = 0, lat_t1 = 0, lat_t2 = 0;  // smooth lateral shift (cut-ins)
};

struct SceneObject {
  int id = 0;  // 1-based, stable over a clip; equals the mask value
  ObjClass cls = ObjClass::Car;
  std::string kind;              // subtype: sedan/suv/van, adult/child, stop/yield/..., tire/rock/..., dog/deer/cow
  double x = 0, z = 0;           // base centre (road coordinates)
  double elev = 0;               // height of the bottom above ground (lights, signs)
  double w = 1, h = 1, len = 1;  // metres
  bool facing_ego = false;       // oncoming vehicles / walking towards the camera
  bool side_view = false;        // crossing pedestrians, animals
  cv::Scalar color{128, 128, 128};
  std::string color_name;
  std::string state;  // traffic light: red/yellow/green
  int speed = 0;      // speed limit sign value (km/h)
  bool corner_case = false;
  bool blinker = false;   // left turn signal (cut-ins)
  bool overhead = false;  // traffic light on a mast arm
  std::string location;   // "ego_lane", "adjacent_lane", "oncoming_lane", "sidewalk", "roadside", ...
  Motion motion;
};

struct Prop {  // background scenery; no instance id
  PropKind kind = PropKind::Tree;
  double x = 0, z = 0, len = 0, h = 0;
  cv::Scalar color{0, 0, 0};
};

// Ego motion of a clip: speed profile (brake to v_min, later resume) and a lateral nudge.
struct EgoPlan {
  double v0 = 0;                                    // m/s; images: 0
  double t_brake = 1e9, decel = 0, v_min = 0;       // brake from t_brake with decel down to v_min
  double t_resume = 1e9, accel = 0, v_resume = 0;   // then accelerate back to v_resume
  double nudge_dx = 0, nudge_t1 = 0, nudge_t2 = 0;  // lateral offset ramps 0 -> nudge_dx
  double speed(double t) const;
  double distance(double t) const;  // s(t), metres travelled since t = 0
  double lateral(double t) const;
};

struct SceneSpec {
  uint64_t seed = 0;  // item seed (from corpus seed, stream and index)
  int index = 0;
  int width = 1280, height = 720;
  Weather weather = Weather::Clear;
  bool night = false;
  bool streetlights = false;
  bool low_contrast = false;  // hazy daytime
  double horizon = 0.45;      // fraction of height
  RoadSpec road;
  std::vector<SceneObject> objects;
  std::vector<Prop> props;
  // clip script (images: None)
  ClipEvent event = ClipEvent::None;
  EgoPlan ego;
  bool jaywalk = false;  // pedestrian crossing outside a crosswalk
  bool nudge_out_of_lane = false;
};

struct SpecOptions {
  std::vector<Weather> weathers;  // allowed
  double night_rate = 0.25;
  double corner_case_rate = 0.3;
  int width = 1280, height = 720;
  double clip_seconds = 4.0;
};

inline double smoothstep(double a) {
  a = a < 0 ? 0 : (a > 1 ? 1 : a);
  return a * a * (3 - 2 * a);
}
// World position (x, z) of an object at clip time t (z relative to the world, not the ego).
cv::Point2d object_position(const SceneObject& o, const EgoPlan& ego, double t);

// Random scene parameters and objects for image `index` (stream seed already mixed).
SceneSpec make_scene_spec(const SpecOptions& opt, uint64_t item_seed, int index);
// A clip scene: environment as above plus a scripted event (see clip_script.cpp).
SceneSpec make_clip_spec(const SpecOptions& opt, uint64_t item_seed, int index);

}  // namespace cf::scenegen
