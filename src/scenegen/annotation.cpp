// Cosmos-schema annotation and structured JSON records of scenes and objects.
#include "scenegen/annotation.h"

#include <algorithm>
#include <cmath>

namespace cf::scenegen {

namespace {
// Rounded so that JSON prints short decimals (q = 0.1, 0.01, 0.001).
double round_to(double v, double q) { return std::round(v / q) / std::round(1.0 / q); }
bool is_vehicle(ObjClass c) { return c == ObjClass::Car || c == ObjClass::Truck || c == ObjClass::Bus; }
}  // namespace

const std::vector<std::string>& cosmos_weathers() {
  static const std::vector<std::string> v = {"Clear skies", "Partly cloudy", "Overcast",  "Light rain",
                                             "Heavy rain",  "Light snow",    "Dense fog", "N/A"};
  return v;
}
const std::vector<std::string>& cosmos_lightings() {
  static const std::vector<std::string> v = {"Daytime (diffused light)", "Daytime (low-contrast daylight)",
                                             "Daytime (direct sunlight)", "Night (poorly lit; few/no streetlights)",
                                             "Night (well-lit by streetlights)"};
  return v;
}
const std::vector<std::string>& cosmos_metaactions() {
  static const std::vector<std::string> v = {"In-lane nudging",      "Yield to VRUs",     "Vehicle following",
                                             "Out-of-lane nudging",  "Yield to vehicles", "Overtake VRUs",
                                             "Vehicle cut-in ahead", "React to animals",  "Overtake vehicles"};
  return v;
}
const std::vector<std::string>& cosmos_fields() {
  static const std::vector<std::string> v = {"weather",
                                             "lighting",
                                             "road_conditions",
                                             "traffic_light",
                                             "traffic_sign",
                                             "additional_traffic_rules",
                                             "road_type",
                                             "junction_type",
                                             "lane_type",
                                             "additional_map_rules",
                                             "interactive_expanded_metaaction",
                                             "safety_analysis",
                                             "driving_difficulty",
                                             "rule_violation",
                                             "interesting_scenario"};
  return v;
}

std::string describe_kind(const SceneObject& o) {
  static const std::pair<const char*, const char*> names[] = {{"sedan", "car"},
                                                              {"suv", "SUV"},
                                                              {"van", "van"},
                                                              {"taxi", "taxi"},
                                                              {"box_truck", "box truck"},
                                                              {"semi_trailer", "semi-trailer truck"},
                                                              {"city_bus", "city bus"},
                                                              {"coach", "coach"},
                                                              {"tire", "loose tire"},
                                                              {"mattress", "mattress"},
                                                              {"cargo_box", "fallen cargo box"},
                                                              {"rock", "rock"},
                                                              {"tree_branch", "fallen tree branch"}};
  for (const auto& [k, v] : names)
    if (o.kind == k) return v;
  return o.kind.empty() ? to_string(o.cls) : o.kind;
}

nlohmann::json object_attributes(const SceneObject& o) {
  nlohmann::json a = {{"kind", o.kind}, {"corner_case", o.corner_case}, {"location", o.location}};
  if (!o.color_name.empty()) a["color"] = o.color_name;
  if (o.cls == ObjClass::TrafficLight) {
    a["state"] = o.state;
    a["overhead"] = o.overhead;
  }
  if (o.cls == ObjClass::TrafficSign && o.speed > 0) a["speed_limit_kmh"] = o.speed;
  if (o.cls == ObjClass::TrafficSign && !o.state.empty()) a["direction"] = o.state;
  if (is_vehicle(o.cls) || o.cls == ObjClass::Pedestrian || o.cls == ObjClass::Animal || o.cls == ObjClass::Cyclist)
    a["facing"] = o.side_view ? "sideways" : (o.facing_ego ? "towards" : "away");
  if (o.blinker) a["turn_signal"] = true;
  return a;
}

nlohmann::json object_json(const SceneObject& o, const VisibleObject& v) {
  nlohmann::json a = object_attributes(o);
  a["occluded"] = v.occlusion > 0.25;
  a["occlusion"] = round_to(v.occlusion, 0.01);
  a["truncated"] = v.truncated;
  a["distance_m"] = round_to(v.depth, 0.1);
  return {{"id", o.id},
          {"class", to_string(o.cls)},
          {"box", {v.box.x, v.box.y, v.box.width, v.box.height}},
          {"area", v.area},
          {"attributes", a}};
}

nlohmann::json scene_json(const SceneSpec& s) {
  const RoadSpec& rd = s.road;
  nlohmann::json road = {{"type", rd.road_type},
                         {"junction", to_string(rd.junction)},
                         {"control", to_string(rd.control)},
                         {"lanes_ego_direction", rd.lanes_ego},
                         {"lanes_opposite_direction", rd.lanes_opp},
                         {"lane_width_m", round_to(rd.lane_w, 0.01)},
                         {"ego_lane", rd.ego_lane},
                         {"center_line", rd.center_line},
                         {"edge_lines", rd.edge_lines},
                         {"sidewalks", rd.sidewalks},
                         {"bike_lane", rd.bike_lane},
                         {"crosswalk", rd.crosswalk},
                         {"surface", to_string(rd.surface)},
                         {"puddles", rd.puddles},
                         {"snow_on_sides", rd.snow_sides}};
  road["curve"] = rd.junction == Junction::Curve ? nlohmann::json(rd.curvature > 0 ? "right" : "left") : nullptr;
  road["junction_distance_m"] =
      rd.junction_z > 0 ? nlohmann::json(round_to(rd.junction_z, 0.1)) : nlohmann::json(nullptr);
  return {{"weather", to_string(s.weather)},
          {"time_of_day", s.night ? "night" : "day"},
          {"streetlights", s.streetlights},
          {"low_contrast", s.low_contrast},
          {"road", road}};
}

nlohmann::json cosmos_annotation(const SceneSpec& s, const std::set<int>& visible, bool clip) {
  const RoadSpec& rd = s.road;
  std::vector<const SceneObject*> vis;
  for (const SceneObject& o : s.objects)
    if (visible.count(o.id)) vis.push_back(&o);
  nlohmann::json j;
  j["weather"] = weather_label(s);
  j["lighting"] = lighting_label(s);
  j["road_conditions"] = road_conditions_label(s);

  const SceneObject* light = nullptr;
  std::vector<std::string> signs, rules;
  int vehicles = 0, cones = 0;
  bool vru_on_road = false, hazard = false, jaywalker = false, cut_in_no_signal = false;
  for (const SceneObject* o : vis) {
    if (o->cls == ObjClass::TrafficLight && !light) light = o;
    vehicles += is_vehicle(o->cls);
    cones += o->cls == ObjClass::Cone || o->cls == ObjClass::Barrier;
    vru_on_road |= (o->cls == ObjClass::Pedestrian && o->location != "sidewalk" && o->location != "shoulder");
    hazard |= o->corner_case;
    jaywalker |= o->kind.find("jaywalking") != std::string::npos;
    cut_in_no_signal |= o->motion.lat_dx != 0 && !o->blinker;
    if (o->cls != ObjClass::TrafficSign) continue;
    std::string t;
    if (o->kind == "stop") t = "A stop sign requires the ego vehicle to stop before the intersection.";
    else if (o->kind == "yield") t = "A yield sign at the roundabout entry.";
    else if (o->kind == "speed_limit") t = "Speed limit " + std::to_string(o->speed) + " km/h.";
    else if (o->kind == "no_entry") t = "A no entry sign.";
    else if (o->kind == "pedestrian_crossing") t = "A pedestrian crossing sign.";
    else if (o->kind == "keep_right") t = "A keep right sign.";
    else if (o->kind == "no_parking") t = "A no parking sign.";
    else if (o->kind == "road_work") t = "A road work ahead sign.";
    else t = "A curve ahead warning sign (bending " + o->state + ").";
    if (std::find(signs.begin(), signs.end(), t) == signs.end()) signs.push_back(t);
  }
  if (!light) {
    j["traffic_light"] = "No traffic light";
  } else if (light->state == "red") {
    j["traffic_light"] = clip ? "The traffic light is red, so the ego vehicle slows down and comes to a full stop."
                              : "The traffic light ahead is red; the ego vehicle must stop at the stop line.";
  } else if (light->state == "green") {
    j["traffic_light"] = clip ? "The traffic light is green, so the ego vehicle maintains speed and proceeds."
                              : "The traffic light ahead is green; the ego vehicle may proceed.";
  } else {
    j["traffic_light"] = "The traffic light ahead is yellow; the ego vehicle should slow down and prepare to stop.";
  }
  std::string sign_text;
  for (const auto& t : signs) sign_text += t + "\n";
  j["traffic_sign"] = signs.empty() ? "No traffic signs" : sign_text;

  bool crosswalk = rd.crosswalk && rd.crosswalk_z < 90;
  if (crosswalk) rules.push_back("There is a pedestrian crosswalk.");
  if (cones) rules.push_back("There is a work zone ahead, and cones close part of the lane.");
  for (const auto& t : signs)
    if (t.rfind("A stop sign", 0) == 0) rules.push_back("Vehicles must come to a complete stop at the stop line.");
  if (rd.junction == Junction::Roundabout)
    rules.push_back("Traffic entering the roundabout must yield to vehicles already circulating.");
  if (rules.size() > 2) rules.resize(2);
  auto join = [](const std::vector<std::string>& v) -> nlohmann::json {
    if (v.empty()) return nullptr;
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : " ") + x;
    return out;
  };
  j["additional_traffic_rules"] = join(rules);
  j["road_type"] = road_type_label(s);
  j["junction_type"] = junction_label(s);
  j["lane_type"] = lane_type_label(s);

  std::vector<std::string> map_rules;
  if (crosswalk) map_rules.push_back("There are pedestrian crosswalk markings on the road.");
  bool cross = rd.junction == Junction::FourWay || rd.junction == Junction::TIntersection;
  if (cross && rd.control != Control::None) map_rules.push_back("A stop line is painted before the intersection.");
  if (rd.junction == Junction::Roundabout) map_rules.push_back("Yield markings are painted at the roundabout entry.");
  if (rd.bike_lane) map_rules.push_back("Bicycle lane markings are visible on the right.");
  if (rd.lanes_opp > 0 && rd.center_line == "double_solid_yellow")
    map_rules.push_back("A double solid yellow centre line separates the two directions of traffic.");
  if (map_rules.size() > 2) map_rules.resize(2);
  j["additional_map_rules"] = join(map_rules);

  if (clip) {
    const auto& m = cosmos_metaactions();
    nlohmann::json acts = nlohmann::json::array();
    switch (s.event) {
      case ClipEvent::PedestrianCrossing: acts.push_back(m[1]); break;
      case ClipEvent::CutIn: acts.push_back(m[6]); break;
      case ClipEvent::Following: acts.push_back(m[2]); break;
      case ClipEvent::Animal: acts.push_back(m[7]); break;
      case ClipEvent::Debris: acts.push_back(s.nudge_out_of_lane ? m[3] : m[0]); break;
      case ClipEvent::RedLight:
        for (const SceneObject* o : vis)
          if (o->motion.follow_ego && o->location == "ego_lane") acts.push_back(m[2]);
        break;
      default: break;
    }
    j["interactive_expanded_metaaction"] = acts.empty() ? nlohmann::json(nullptr) : acts;
  }
  j["safety_analysis"] = safety_analysis(s, vis, clip);

  // Difficulty: 1 + adverse conditions + severe conditions + heavy traffic + hazards, capped at 4.
  bool adverse =
      s.night || s.weather == Weather::LightRain || s.weather == Weather::LightSnow || rd.surface != Surface::Dry;
  bool severe = s.weather == Weather::HeavyRain || s.weather == Weather::Fog || rd.surface == Surface::Snow ||
                (s.night && !s.streetlights && s.weather != Weather::Clear && s.weather != Weather::PartlyCloudy);
  bool event_hazard = s.event == ClipEvent::PedestrianCrossing || s.event == ClipEvent::CutIn ||
                      s.event == ClipEvent::Animal || s.event == ClipEvent::Debris;
  int difficulty = 1 + adverse + severe + (vehicles >= 6) + (hazard || vru_on_road || event_hazard);
  j["driving_difficulty"] = std::min(4, difficulty);
  bool violation = jaywalker || s.jaywalk || cut_in_no_signal;
  j["rule_violation"] = violation;
  j["interesting_scenario"] = hazard || event_hazard || violation || severe;
  return j;
}

}  // namespace cf::scenegen
