// Ground truth as JSON: the Cosmos AV captioning fields (weather, lighting, road_conditions,
// traffic_light, traffic_sign, additional_traffic_rules, road_type, junction_type, lane_type,
// additional_map_rules, interactive_expanded_metaaction, safety_analysis, driving_difficulty,
// rule_violation, interesting_scenario), the structured scene and per-object records.
#pragma once
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenegen/render_scene.h"
#include "scenegen/scene_spec.h"

namespace cf::scenegen {

// Enumerations of the Cosmos schema.
const std::vector<std::string>& cosmos_weathers();
const std::vector<std::string>& cosmos_lightings();
const std::vector<std::string>& cosmos_metaactions();
const std::vector<std::string>& cosmos_fields();  // the 15 keys, in schema order

// Annotation from the objects that are actually visible (ids in `visible`). For a clip all 15
// fields; for an image interactive_expanded_metaaction is omitted (it describes ego motion).
nlohmann::json cosmos_annotation(const SceneSpec& s, const std::set<int>& visible, bool clip);

nlohmann::json scene_json(const SceneSpec& s);  // weather, lighting, road, event (structured)
nlohmann::json object_json(const SceneObject& o, const VisibleObject& v);
nlohmann::json object_attributes(const SceneObject& o);

// Human-readable names used in captions ("fallen cargo box", "city bus", ...).
std::string describe_kind(const SceneObject& o);

}  // namespace cf::scenegen

namespace cf::scenegen {
// Parts of the annotation (annotation_text.cpp).
std::string weather_label(const SceneSpec& s);
std::string lighting_label(const SceneSpec& s);
std::string road_type_label(const SceneSpec& s);
std::string junction_label(const SceneSpec& s);
std::string lane_type_label(const SceneSpec& s);
std::string road_conditions_label(const SceneSpec& s);
std::string safety_analysis(const SceneSpec& s, const std::vector<const SceneObject*>& visible, bool clip);
}  // namespace cf::scenegen
