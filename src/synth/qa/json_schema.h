// A small validator for the JSON that a language model returns: required keys, types, enums,
// integer ranges, nullable fields. Replies are repaired first (code fences stripped, the first
// balanced JSON object extracted) and simple types coerced ("True" -> true, "3" -> 3,
// "N/A"/"null" -> null where null is allowed, a lone string -> [string]); what still does not
// fit is rejected with a short reason ("missing:weather", "enum:lighting", "unparseable").
#pragma once
#include "core/json_extract.h"
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cf::synth {

enum class JType { String, Int, Bool, StringList, Box };  // Box: 4 numbers

struct FieldSpec {
  std::string name;
  JType type = JType::String;
  bool nullable = false;
  bool required = true;
  std::vector<std::string> choices;  // String / StringList elements; empty = any
  int64_t min = std::numeric_limits<int64_t>::min(), max = std::numeric_limits<int64_t>::max();
};

// The first JSON object in a reply: cf::extract_json_object (core/json_extract.h).
using cf::extract_json_object;

// Coerces `obj` in place to `schema` and returns "" when it conforms, else the reason of the
// first field that does not. Keys not in the schema are dropped.
std::string validate_and_coerce(nlohmann::json& obj, const std::vector<FieldSpec>& schema);

}  // namespace cf::synth
