// Coarse kinds of retrieved labels, by keywords, for the built-in QA and annotation wording
// (what an object means for the driver). Unknown labels are "Other": potential corner cases.
#pragma once
#include <string>

namespace cf::synth {

enum class ObjectKind { Vehicle, Vru, TrafficLight, TrafficSign, WorkZone, Animal, Other };
ObjectKind object_kind(const std::string& label);
// One sentence on how an object of this kind at this place affects the ego vehicle.
std::string effect_on_ego(ObjectKind k, const std::string& horizontal, const std::string& distance);

}  // namespace cf::synth
