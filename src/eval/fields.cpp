#include "eval/fields.h"

#include "core/json_extract.h"

#include <algorithm>
#include <map>

namespace cf::eval {

const char* to_string(FieldKind k) {
  switch (k) {
    case FieldKind::Enum: return "enum";
    case FieldKind::EnumList: return "enum_list";
    case FieldKind::Bool: return "bool";
    case FieldKind::Int: return "int";
    case FieldKind::Text: return "text";
  }
  return "text";
}

namespace {
const std::vector<std::pair<std::string, FieldKind>>& schema() {
  static const std::vector<std::pair<std::string, FieldKind>> s = {
      {"weather", FieldKind::Enum},
      {"lighting", FieldKind::Enum},
      {"road_conditions", FieldKind::Text},
      {"traffic_light", FieldKind::Text},
      {"traffic_sign", FieldKind::Text},
      {"additional_traffic_rules", FieldKind::Text},
      {"road_type", FieldKind::Text},
      {"junction_type", FieldKind::Text},
      {"lane_type", FieldKind::Text},
      {"additional_map_rules", FieldKind::Text},
      {"interactive_expanded_metaaction", FieldKind::EnumList},
      {"safety_analysis", FieldKind::Text},
      {"driving_difficulty", FieldKind::Int},
      {"rule_violation", FieldKind::Bool},
      {"interesting_scenario", FieldKind::Bool},
  };
  return s;
}
}  // namespace

const std::vector<std::string>& schema_fields() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& [n, k] : schema()) v.push_back(n);
    return v;
  }();
  return names;
}

FieldKind field_kind(const std::string& field, const nlohmann::json& reference) {
  for (const auto& [n, k] : schema())
    if (n == field) return k;
  if (reference.is_boolean()) return FieldKind::Bool;
  if (reference.is_number_integer() || reference.is_number_unsigned()) return FieldKind::Int;
  if (reference.is_array()) return FieldKind::EnumList;
  return FieldKind::Text;
}

std::vector<std::string> annotation_fields(const nlohmann::json& reference) {
  std::vector<std::string> out;
  if (!reference.is_object()) return out;
  for (const auto& f : schema_fields())
    if (reference.contains(f)) out.push_back(f);
  for (auto it = reference.begin(); it != reference.end(); ++it)  // nlohmann sorts keys by name
    if (std::find(out.begin(), out.end(), it.key()) == out.end()) out.push_back(it.key());
  return out;
}

std::optional<nlohmann::json> parse_annotation(const std::string& text) { return extract_json_object(text); }

}  // namespace cf::eval
