// Names of the enums, ego kinematics, and the environment (weather, lighting, road) of a scene.
#include "scenegen/scene_spec.h"

#include <algorithm>
#include <cmath>

#include "scenegen/spec_internal.h"

namespace cf::scenegen {

const char* to_string(Weather w) {
  switch (w) {
    case Weather::Clear: return "clear";
    case Weather::PartlyCloudy: return "partly_cloudy";
    case Weather::Overcast: return "overcast";
    case Weather::LightRain: return "light_rain";
    case Weather::HeavyRain: return "heavy_rain";
    case Weather::LightSnow: return "light_snow";
    case Weather::Fog: return "fog";
  }
  return "?";
}
const char* to_string(Junction j) {
  switch (j) {
    case Junction::Straight: return "straight";
    case Junction::FourWay: return "four_way";
    case Junction::TIntersection: return "t_intersection";
    case Junction::Curve: return "curve";
    case Junction::Roundabout: return "roundabout";
  }
  return "?";
}
const char* to_string(Surface s) {
  switch (s) {
    case Surface::Dry: return "dry";
    case Surface::Wet: return "wet";
    case Surface::Snow: return "snow";
  }
  return "?";
}
const char* to_string(Control c) {
  switch (c) {
    case Control::None: return "none";
    case Control::Lights: return "traffic_lights";
    case Control::StopSign: return "stop_sign";
    case Control::Yield: return "yield";
  }
  return "?";
}
const char* to_string(ObjClass c) {
  static const char* names[] = {"car",          "truck", "bus",     "pedestrian", "cyclist", "traffic_light",
                                "traffic_sign", "cone",  "barrier", "animal",     "debris"};
  return names[static_cast<int>(c)];
}
const char* to_string(ClipEvent e) {
  static const char* names[] = {"none", "pedestrian_crossing", "cut_in", "red_light", "following", "animal", "debris"};
  return names[static_cast<int>(e)];
}
const std::vector<std::string>& all_weather_names() {
  static const std::vector<std::string> v = {"clear",      "partly_cloudy", "overcast", "light_rain",
                                             "heavy_rain", "light_snow",    "fog"};
  return v;
}
bool parse_weather(const std::string& s, Weather* out) {
  const auto& names = all_weather_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == s) {
      *out = static_cast<Weather>(i);
      return true;
    }
  return false;
}
const std::vector<ObjClass>& all_classes() {
  static const std::vector<ObjClass> v = {ObjClass::Car,         ObjClass::Truck,   ObjClass::Bus,
                                          ObjClass::Pedestrian,  ObjClass::Cyclist, ObjClass::TrafficLight,
                                          ObjClass::TrafficSign, ObjClass::Cone,    ObjClass::Barrier,
                                          ObjClass::Animal,      ObjClass::Debris};
  return v;
}

// ---- ego kinematics -------------------------------------------------------------------------
double EgoPlan::speed(double t) const {
  if (t < t_brake) return v0;
  double t_low = t_brake + (decel > 0 ? (v0 - v_min) / decel : 0);
  if (t < t_low) return v0 - decel * (t - t_brake);
  if (t < t_resume) return v_min;
  double t_up = t_resume + (accel > 0 ? (v_resume - v_min) / accel : 0);
  if (t < t_up) return v_min + accel * (t - t_resume);
  return v_resume;
}

double EgoPlan::distance(double t) const {
  // Speed is piecewise linear: sum exact trapezoids between its knots.
  double t_low = t_brake + (decel > 0 ? (v0 - v_min) / decel : 0);
  double t_up = t_resume + (accel > 0 ? (v_resume - v_min) / accel : 0);
  double knots[] = {t_brake, t_low, t_resume, t_up};
  std::sort(std::begin(knots), std::end(knots));
  double s = 0, prev = 0;
  for (double k : knots) {
    if (k <= prev || k >= t) continue;
    s += 0.5 * (speed(prev) + speed(k)) * (k - prev);
    prev = k;
  }
  if (t > prev) s += 0.5 * (speed(prev) + speed(t)) * (t - prev);
  return s;
}

double EgoPlan::lateral(double t) const {
  if (nudge_dx == 0 || nudge_t2 <= nudge_t1) return 0;
  return nudge_dx * smoothstep((t - nudge_t1) / (nudge_t2 - nudge_t1));
}

cv::Point2d object_position(const SceneObject& o, const EgoPlan& ego, double t) {
  const Motion& m = o.motion;
  double dt = std::max(0.0, t - m.t_start);
  double x = o.x + m.vx * dt;
  if (m.lat_dx != 0 && m.lat_t2 > m.lat_t1) x += m.lat_dx * smoothstep((t - m.lat_t1) / (m.lat_t2 - m.lat_t1));
  double z = m.follow_ego ? ego.distance(t) + o.z : o.z + m.vz * dt;
  return {x, z};
}

// ---- environment ----------------------------------------------------------------------------
void make_environment(SceneSpec& s, const SpecOptions& opt, Rng& r, const EnvConstraints& c) {
  s.weather = opt.weathers[static_cast<size_t>(r.range(0, int(opt.weathers.size()) - 1))];
  s.night = r.chance(opt.night_rate);
  s.horizon = r.uniform(0.42, 0.48);
  RoadSpec& rd = s.road;

  static const char* types[] = {"local", "collector", "arterial", "one_way", "country", "highway"};
  int t = c.prefer_country && r.chance(0.6) ? 4 : r.weighted({3, 3, 2, 1, 1.5, 1});
  if (c.urban && t > 3) t = r.range(0, 3);
  rd.road_type = types[t];
  bool urban = t <= 3;
  switch (t) {
    case 0: rd.lanes_ego = rd.lanes_opp = 1; break;
    case 1:
      rd.lanes_ego = rd.lanes_opp = r.chance(0.6) ? 2 : 1;
      rd.bike_lane = r.chance(0.4);
      break;
    case 2: rd.lanes_ego = rd.lanes_opp = r.chance(0.5) ? 3 : 2; break;
    case 3:
      rd.lanes_ego = r.range(2, 3);
      rd.lanes_opp = 0;
      rd.bike_lane = r.chance(0.3);
      break;
    case 4: rd.lanes_ego = rd.lanes_opp = 1; break;
    default:
      rd.lanes_ego = r.range(2, 3);
      rd.lanes_opp = 0;
      break;
  }
  if (rd.lanes_ego < c.min_lanes_ego) rd.lanes_ego = c.min_lanes_ego;
  rd.lane_w = t == 0 ? r.uniform(3.0, 3.4) : r.uniform(3.3, 3.7);
  rd.sidewalks = urban;
  rd.ego_lane = r.chance(0.5) ? rd.lanes_ego - 1 : r.range(0, rd.lanes_ego - 1);
  if (rd.lanes_opp == 0) rd.center_line = t == 5 ? "solid_yellow" : "solid_white";
  else if (t == 0 || t == 4)
    rd.center_line = r.pick(std::vector<std::string>{"dashed_white", "dashed_yellow", "double_solid_yellow"});
  else rd.center_line = "double_solid_yellow";
  rd.edge_lines = !urban || r.chance(0.5);

  if (c.junction >= 0) {
    rd.junction = static_cast<Junction>(c.junction);
  } else if (t >= 4) {
    rd.junction = r.chance(0.6) ? Junction::Straight : Junction::Curve;
  } else {
    rd.junction = static_cast<Junction>(r.weighted({3, 3, 2, 1.5, t <= 1 ? 1.0 : 0.0}));
  }
  switch (rd.junction) {
    case Junction::FourWay:
    case Junction::TIntersection: {
      rd.junction_z = r.uniform(18, 45);
      rd.junction_w = 2 * rd.lane_w * r.range(1, 2);
      rd.control = static_cast<Control>(rd.junction == Junction::FourWay ? r.weighted({0.15, 0.6, 0.25, 0})
                                                                         : r.weighted({0.3, 0.3, 0.4, 0}));
      rd.crosswalk = rd.sidewalks && r.chance(0.7);
      rd.crosswalk_z = rd.junction_z - 3.5;
      break;
    }
    case Junction::Curve: rd.curvature = (r.chance(0.5) ? 1 : -1) * r.uniform(0.003, 0.008); break;
    case Junction::Roundabout:
      rd.junction_z = r.uniform(22, 38);
      rd.roundabout_r = r.uniform(5, 9);
      rd.junction_w = 8;
      rd.control = Control::Yield;
      break;
    case Junction::Straight:
      rd.crosswalk = rd.sidewalks && r.chance(0.25);
      rd.crosswalk_z = r.uniform(15, 40);
      break;
  }
  if (c.control >= 0) rd.control = static_cast<Control>(c.control);

  switch (s.weather) {
    case Weather::LightRain:
    case Weather::HeavyRain: rd.surface = Surface::Wet; break;
    case Weather::LightSnow:
      rd.surface = r.chance(0.6) ? Surface::Snow : Surface::Wet;
      rd.snow_sides = true;
      break;
    case Weather::Overcast:
    case Weather::Fog: rd.surface = r.chance(0.3) ? Surface::Wet : Surface::Dry; break;
    default: rd.surface = Surface::Dry; break;
  }
  if (rd.surface == Surface::Dry && s.weather != Weather::Clear && r.chance(0.1)) rd.snow_sides = true;
  rd.puddles = rd.surface == Surface::Wet && r.chance(0.6);
  double g = r.uniform(50, 95);
  rd.asphalt = cv::Scalar(g + r.uniform(-4, 6), g, g - r.uniform(0, 5));

  s.streetlights = urban ? r.chance(0.7) : r.chance(0.15);
  bool hazy = s.weather == Weather::Fog ||
              ((s.weather == Weather::Overcast || s.weather == Weather::PartlyCloudy) && r.chance(0.3));
  s.low_contrast = !s.night && hazy;
}

SceneSpec make_scene_spec(const SpecOptions& opt, uint64_t item_seed, int index) {
  SceneSpec s;
  s.seed = item_seed;
  s.index = index;
  s.width = opt.width;
  s.height = opt.height;
  Rng r(item_seed);
  make_environment(s, opt, r, EnvConstraints{});
  make_props(s, r, 320);
  populate(s, r, opt.corner_case_rate, true);
  return s;
}

}  // namespace cf::scenegen
