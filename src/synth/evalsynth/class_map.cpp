#include "synth/evalsynth/class_map.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace cf::evalsynth {
namespace {

std::string normalize(std::string s) {
  for (auto& c : s) c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string underscored(std::string s) {
  std::replace(s.begin(), s.end(), ' ', '_');
  return s;
}

bool ends_with(const std::string& s, const std::string& e) {
  return s.size() >= e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0;
}

}  // namespace

std::optional<GtClass> map_label(const std::string& raw) {
  static const std::set<std::string> plain = {"car", "truck", "bus", "pedestrian", "cyclist", "barrier"};
  static const std::set<std::string> animals = {"dog", "deer", "cow", "horse"};
  static const std::set<std::string> debris = {"tire", "mattress", "cargo box", "rock", "tree branch"};
  const std::string l = normalize(raw);
  if (plain.count(l)) return GtClass{l, ""};
  if (l == "traffic light") return GtClass{"traffic_light", ""};
  if (l == "traffic sign") return GtClass{"traffic_sign", ""};
  if (ends_with(l, " sign")) return GtClass{"traffic_sign", underscored(l.substr(0, l.size() - 5))};
  if (l == "cone" || l == "traffic cone") return GtClass{"cone", ""};
  if (l == "animal") return GtClass{"animal", ""};
  if (animals.count(l)) return GtClass{"animal", l};
  if (l == "debris") return GtClass{"debris", ""};
  if (debris.count(l)) return GtClass{"debris", underscored(l)};
  return std::nullopt;
}

ClosedQuestion parse_closed_question(const std::string& q) {
  ClosedQuestion out;
  const std::string count_pre = "How many ", count_post = " are visible in the image?";
  const std::string is_pre = "Is there ", is_post = " in the image?";
  if (q.rfind(count_pre, 0) == 0 && ends_with(q, count_post)) {
    const std::string plural = q.substr(count_pre.size(), q.size() - count_pre.size() - count_post.size());
    out.kind = ClosedQuestion::Kind::Count;
    // Singular: the first of (as is, minus "es", minus "s") that maps to a class, else minus "s".
    for (const std::string cand : {plural, ends_with(plural, "es") ? plural.substr(0, plural.size() - 2) : "",
                                   ends_with(plural, "s") ? plural.substr(0, plural.size() - 1) : ""})
      if (!cand.empty() && map_label(cand)) {
        out.label = cand;
        return out;
      }
    out.label = ends_with(plural, "s") ? plural.substr(0, plural.size() - 1) : plural;
    return out;
  }
  if (q.rfind(is_pre, 0) == 0 && ends_with(q, is_post)) {
    std::string l = q.substr(is_pre.size(), q.size() - is_pre.size() - is_post.size());
    if (l.rfind("an ", 0) == 0) l = l.substr(3);
    else if (l.rfind("a ", 0) == 0) l = l.substr(2);
    out.kind = ClosedQuestion::Kind::Presence;
    out.label = l;
  }
  return out;
}

}  // namespace cf::evalsynth
