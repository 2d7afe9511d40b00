#include "synth/qa/cosmos_annotation.h"

#include <algorithm>

#include "synth/caption/scene_text.h"
#include "synth/qa/object_kinds.h"

namespace cf::synth {

const std::vector<FieldSpec>& cosmos_schema() {
  static const std::vector<FieldSpec> s = [] {
    std::vector<FieldSpec> v;
    v.push_back(
        {"weather",
         JType::String,
         false,
         true,
         {"Clear skies", "Overcast", "Partly cloudy", "Light rain", "Heavy rain", "Light snow", "Dense fog", "N/A"}});
    v.push_back({"lighting",
                 JType::String,
                 false,
                 true,
                 {"Daytime (diffused light)", "Daytime (low-contrast daylight)", "Daytime (direct sunlight)",
                  "Night (poorly lit; few/no streetlights)", "Night (well-lit by streetlights)"}});
    for (const char* k : {"road_conditions", "traffic_light", "traffic_sign"}) v.push_back({k, JType::String});
    v.push_back({"additional_traffic_rules", JType::String, true});
    for (const char* k : {"road_type", "junction_type", "lane_type"}) v.push_back({k, JType::String});
    v.push_back({"additional_map_rules", JType::String, true});
    v.push_back({"interactive_expanded_metaaction",
                 JType::StringList,
                 true,
                 true,
                 {"In-lane nudging", "Yield to VRUs", "Vehicle following", "Out-of-lane nudging", "Yield to vehicles",
                  "Overtake VRUs", "Vehicle cut-in ahead", "React to animals", "Overtake vehicles"}});
    v.push_back({"safety_analysis", JType::String});
    FieldSpec d{"driving_difficulty", JType::Int};
    d.min = 1;
    d.max = 4;
    v.push_back(d);
    v.push_back({"rule_violation", JType::Bool});
    v.push_back({"interesting_scenario", JType::Bool});
    return v;
  }();
  return s;
}

std::string cosmos_json_text(const nlohmann::json& a) {
  nlohmann::ordered_json o;
  for (const auto& f : cosmos_schema())
    if (a.contains(f.name)) o[f.name] = a[f.name];
  return o.dump();
}

nlohmann::json builtin_cosmos_annotation(const QaInput& in) {
  const ImageAttributes& at = in.attributes;
  nlohmann::json j;
  const bool night = at.time_of_day == "night";
  j["weather"] = night                                    ? "N/A"
                 : at.sky == "blue"                       ? "Clear skies"
                 : (at.sky == "grey" && !at.low_contrast) ? "Overcast"
                                                          : "N/A";
  j["lighting"] =
      night ? (at.brightness >= 0.18 ? "Night (well-lit by streetlights)" : "Night (poorly lit; few/no streetlights)")
      : at.low_contrast  ? "Daytime (low-contrast daylight)"
      : at.sky == "blue" ? "Daytime (direct sunlight)"
                         : "Daytime (diffused light)";
  j["road_conditions"] = "N/A";
  std::vector<std::string> signs;
  bool light = false, works = false, vru_ahead = false, vehicle_ahead = false, animal = false, hazard = false;
  int vehicles = 0, vrus = 0;
  for (const auto& r : in.regions) {
    if (!r.known()) continue;
    const ObjectKind k = object_kind(r.label);
    const bool ahead = r.box[2] > 0 && horizontal_position(r.box, in.width) == "center";
    light |= k == ObjectKind::TrafficLight;
    works |= k == ObjectKind::WorkZone;
    animal |= k == ObjectKind::Animal;
    hazard |= k == ObjectKind::Other || k == ObjectKind::Animal;
    vehicles += k == ObjectKind::Vehicle;
    vrus += k == ObjectKind::Vru;
    vru_ahead |= k == ObjectKind::Vru && ahead;
    vehicle_ahead |= k == ObjectKind::Vehicle && ahead;
    if (k == ObjectKind::TrafficSign) {
      std::string t = "A " + (r.kb_name.empty() ? r.label : r.kb_name) + ".";
      if (std::find(signs.begin(), signs.end(), t) == signs.end()) signs.push_back(t);
    }
  }
  j["traffic_light"] = light ? "A traffic light is visible ahead; its state is not determined." : "No traffic light";
  std::string st;
  for (const auto& s : signs) st += s + "\n";
  j["traffic_sign"] = signs.empty() ? "No traffic signs" : st;
  j["additional_traffic_rules"] =
      works ? nlohmann::json("There is a work zone ahead, marked by cones or barriers.") : nlohmann::json(nullptr);
  j["road_type"] = "N/A";
  j["junction_type"] = "N/A";
  j["lane_type"] = "N/A";
  j["additional_map_rules"] = nullptr;
  nlohmann::json acts = nlohmann::json::array();
  if (vru_ahead) acts.push_back("Yield to VRUs");
  if (vehicle_ahead) acts.push_back("Vehicle following");
  if (animal) acts.push_back("React to animals");
  j["interactive_expanded_metaaction"] = acts.empty() ? nlohmann::json(nullptr) : acts;
  j["safety_analysis"] = in.fine_caption.empty() ? in.raw_caption : in.fine_caption;
  j["driving_difficulty"] =
      std::min(4, 1 + int(night || at.low_contrast) + int(vehicles >= 6) + int(hazard || vru_ahead || vrus >= 3));
  j["rule_violation"] = false;  // not inferable from one frame's regions
  j["interesting_scenario"] = hazard || works;
  return j;
}

}  // namespace cf::synth
