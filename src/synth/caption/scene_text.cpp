#include "synth/caption/scene_text.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace cf::synth {
namespace {

std::string where(const RetrievedRegion& r, int64_t w, int64_t h) {
  if (r.box[2] <= 0) return "";
  static const std::map<std::string, std::string> dist = {
      {"near", "close to the ego vehicle"}, {"mid", "at mid distance"}, {"far", "far ahead"}};
  static const std::map<std::string, std::string> pos = {
      {"left", "on the left"}, {"center", "in the center"}, {"right", "on the right"}};
  return dist.at(distance_band(r.box, h)) + " " + pos.at(horizontal_position(r.box, w));
}

const char* count_word(size_t n) {
  static const char* w[] = {"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};
  return n <= 10 ? w[n] : nullptr;
}

std::string number(size_t n) { return count_word(n) ? count_word(n) : std::to_string(n); }

std::string capitalised(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

std::string horizontal_position(const float box[4], int64_t width) {
  const double cx = (box[0] + box[2] / 2.0) / std::max<int64_t>(1, width);
  return cx < 1.0 / 3 ? "left" : cx > 2.0 / 3 ? "right" : "center";
}

std::string distance_band(const float box[4], int64_t height) {
  const double H = static_cast<double>(std::max<int64_t>(1, height));
  const double rel_h = box[3] / H, bottom = (box[1] + box[3]) / H;
  if (rel_h > 0.25 || bottom > 0.85) return "near";
  if (rel_h < 0.08 && bottom < 0.7) return "far";
  return "mid";
}

std::string plural(const std::string& noun) {
  if (noun.empty()) return noun;
  if (noun == "person") return "people";
  if (noun.size() >= 6 && noun.compare(noun.size() - 6, 6, "person") == 0)
    return noun.substr(0, noun.size() - 6) + "people";
  auto ends = [&](const std::string& s) {
    return noun.size() >= s.size() && noun.compare(noun.size() - s.size(), s.size(), s) == 0;
  };
  if (ends("s") || ends("x") || ends("ch") || ends("sh")) return noun + "es";
  if (ends("y") && noun.size() > 1 && std::string("aeiou").find(noun[noun.size() - 2]) == std::string::npos)
    return noun.substr(0, noun.size() - 1) + "ies";
  return noun + "s";
}

std::string with_article(const std::string& noun) {
  if (noun.empty()) return noun;
  const bool vowel = std::string("aeiouAEIOU").find(noun[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + noun;
}

std::vector<RetrievedRegion> caption_objects(const std::vector<RetrievedRegion>& regions, size_t max) {
  std::vector<RetrievedRegion> out;
  for (const auto& r : regions)
    if (r.object && r.known()) out.push_back(r);
  std::stable_sort(out.begin(), out.end(), [](const RetrievedRegion& a, const RetrievedRegion& b) {
    if (a.relevance != b.relevance) return a.relevance > b.relevance;
    const double aa = std::max(0.f, a.box[2]) * std::max(0.f, a.box[3]),
                 ab = std::max(0.f, b.box[2]) * std::max(0.f, b.box[3]);
    if (aa != ab) return aa > ab;
    return a.region_id < b.region_id;
  });
  if (out.size() > max) out.resize(max);
  return out;
}

nlohmann::json objects_json(const std::vector<RetrievedRegion>& objects) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& o : objects) {
    nlohmann::json box = nlohmann::json::array();
    for (float v : o.box) box.push_back(v < 0 ? -1.0 : std::round(v * 10) / 10);
    a.push_back({{"label", o.label}, {"box", box}, {"kb_name", o.kb_name}});
  }
  return a;
}

std::string raw_caption(const ImageAttributes& attrs, const std::vector<RetrievedRegion>& objects,
                        size_t unknown_regions, int64_t width, int64_t height) {
  std::string s = attrs.time_of_day == "night" ? "A nighttime dashcam view of the road ahead"
                                               : "A daytime dashcam view of the road ahead";
  if (attrs.sky == "blue") s += " under a blue sky";
  else if (attrs.sky == "grey") s += " under a grey sky";
  if (attrs.low_contrast) s += ", with low contrast";
  s += ".";
  // Group by label in order of first mention; within a label, by place.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const RetrievedRegion*>> groups;
  for (const auto& o : objects) {
    if (!groups.count(o.label)) order.push_back(o.label);
    groups[o.label].push_back(&o);
  }
  for (const auto& label : order) {
    const auto& g = groups[label];
    if (g.size() == 1) {
      std::string w = where(*g[0], width, height);
      s += " There is " + with_article(label) + (w.empty() ? "" : " " + w) + ".";
      continue;
    }
    std::vector<std::string> places;
    std::map<std::string, size_t> per_place;
    for (const auto* o : g) {
      std::string w = where(*o, width, height);
      if (!per_place.count(w)) places.push_back(w);
      ++per_place[w];
    }
    s += " There are " + number(g.size()) + " " + plural(label);
    std::string parts;
    for (size_t i = 0; i < places.size(); ++i) {
      if (places[i].empty()) continue;
      if (!parts.empty()) parts += i + 1 == places.size() ? " and " : ", ";
      parts += number(per_place[places[i]]) + " " + places[i];
    }
    s += (parts.empty() ? "" : ": " + parts) + ".";
  }
  if (objects.empty()) s += " No road users or obstacles are recognised.";
  if (unknown_regions > 0)
    s += " " + capitalised(number(unknown_regions)) + " further " +
         (unknown_regions == 1 ? "region is" : "regions are") + " not recognised.";
  return s;
}

std::string first_sentences(const std::string& text, size_t max_chars) {
  std::string t = text;
  for (char& c : t)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (t.size() <= max_chars) return t;
  size_t cut = std::string::npos;
  for (size_t i = 0; i < max_chars && i < t.size(); ++i)
    if (t[i] == '.' && (i + 1 == t.size() || t[i + 1] == ' ')) cut = i + 1;
  if (cut != std::string::npos) return t.substr(0, cut);
  size_t sp = t.rfind(' ', max_chars);
  return t.substr(0, sp == std::string::npos ? max_chars : sp) + "...";
}

std::string fine_caption(const std::string& raw, const std::vector<RetrievedRegion>& objects,
                         size_t max_description_chars) {
  std::string s = raw;
  std::set<std::string> said;
  for (const auto& o : objects) {
    const std::string key = o.kb_name.empty() ? o.label : o.kb_name;
    if (o.description.empty() || !said.insert(key).second) continue;
    std::string name = o.kb_name.empty() || o.kb_name == o.label ? o.label : o.label + " (" + o.kb_name + ")";
    s += " About the " + name + ": " + first_sentences(o.description, max_description_chars);
    if (!s.empty() && s.back() != '.') s += ".";
    if (!o.relevance_text.empty()) s += " For driving: " + first_sentences(o.relevance_text, max_description_chars);
    else if (o.relevance >= 0.5) s += " It matters for driving and calls for attention.";
    if (!s.empty() && s.back() != '.') s += ".";
  }
  return s;
}

}  // namespace cf::synth
