// Maps the chain's names to cf-scenegen ground-truth classes, for cf-eval-synthesis.
//   "car", "truck", "bus", "pedestrian", "cyclist", "barrier" -> the class of that name
//   "traffic light" -> traffic_light; "traffic sign" and every "<kind> sign" -> traffic_sign
//   (kind kept: "stop sign" -> traffic_sign/stop); "traffic cone", "cone" -> cone
//   "dog", "deer", "cow", "horse" (and "animal") -> animal/<kind>
//   "tire", "mattress", "cargo box", "rock", "tree branch" (and "debris") -> debris/<kind>
// Anything else ("unknown object", knowledge-base names with no scenegen class) maps to no class.
#pragma once
#include <optional>
#include <string>

namespace cf::evalsynth {

struct GtClass {
  std::string cls;   // scenegen class, e.g. "traffic_sign"
  std::string kind;  // scenegen attributes.kind when the label names one, e.g. "stop"; else empty
};

std::optional<GtClass> map_label(const std::string& label);

// A closed question of cf-qa's builtin generator: "How many <plural> are visible in the image?"
// (count) or "Is there a/an <label> in the image?" (presence). The label is singularized.
struct ClosedQuestion {
  enum class Kind { Count, Presence, Other } kind = Kind::Other;
  std::string label;
};
ClosedQuestion parse_closed_question(const std::string& question);

}  // namespace cf::evalsynth
