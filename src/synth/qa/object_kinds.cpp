#include "synth/qa/object_kinds.h"

#include <algorithm>
#include <vector>

namespace cf::synth {

ObjectKind object_kind(const std::string& label) {
  std::string l = label;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  auto any = [&](std::initializer_list<const char*> words) {
    return std::any_of(words.begin(), words.end(), [&](const char* w) { return l.find(w) != std::string::npos; });
  };
  if (any({"traffic light", "signal"})) return ObjectKind::TrafficLight;
  if (any({"sign"})) return ObjectKind::TrafficSign;
  if (any({"cone", "barrier", "barricade", "bollard", "road work"})) return ObjectKind::WorkZone;
  if (any({"pedestrian", "person", "cyclist", "bicycl", "child", "worker", "motorcyclist", "people"}))
    return ObjectKind::Vru;
  if (any({"dog", "deer", "animal", "cat", "horse", "cow", "bird", "sheep"})) return ObjectKind::Animal;
  if (any({"car", "truck", "bus", "van", "suv", "taxi", "vehicle", "coach", "trailer", "motorcycle", "tram"}))
    return ObjectKind::Vehicle;
  return ObjectKind::Other;
}

std::string effect_on_ego(ObjectKind k, const std::string& h, const std::string& d) {
  const bool ahead = h == "center";
  const bool near = d == "near";
  switch (k) {
    case ObjectKind::Vehicle:
      return ahead ? (near ? "It is close ahead in the ego lane, so the ego vehicle should keep a safe gap and be "
                             "ready to brake."
                           : "It is ahead of the ego vehicle, which should keep a safe following distance.")
                   : "It is beside the ego path; the ego vehicle should watch for it changing lanes.";
    case ObjectKind::Vru:
      return ahead || near
                 ? "A vulnerable road user this close to the ego path means slowing down and being ready to yield."
                 : "The ego vehicle should watch it in case it steps or rides into the road.";
    case ObjectKind::TrafficLight: return "The ego vehicle must obey the signal it shows.";
    case ObjectKind::TrafficSign: return "The ego vehicle must follow the rule the sign sets.";
    case ObjectKind::WorkZone:
      return "It marks a closed or narrowed lane, so the ego vehicle should slow down and merge carefully.";
    case ObjectKind::Animal:
      return "Animals move unpredictably, so the ego vehicle should slow down and be ready to stop.";
    case ObjectKind::Other:
      return ahead ? "It is an unusual obstacle on the ego path; the ego vehicle should slow down and pass it only "
                     "when safe."
                   : "It is an unusual object near the road that the ego vehicle should keep clear of.";
  }
  return "";
}

}  // namespace cf::synth
