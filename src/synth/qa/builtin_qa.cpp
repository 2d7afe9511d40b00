#include "synth/qa/builtin_qa.h"

#include <cmath>
#include <map>
#include <set>

#include "synth/caption/scene_text.h"
#include "synth/qa/object_kinds.h"
#include "synth/qa/rouge.h"

namespace cf::synth {
namespace {

std::string box_text(const float b[4]) {
  std::string s = "[";
  for (int k = 0; k < 4; ++k) s += (k ? ", " : "") + std::to_string(static_cast<long>(std::lround(b[k])));
  return s + "]";
}

struct Picker {
  const QaOptions& o;
  const std::string& item;
  const std::string& pick(const std::vector<std::string>& v, const std::string& slot) const {
    return v[stable_hash(item + "|" + slot, o.seed) % v.size()];
  }
};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

std::string place(const RetrievedRegion& r, const QaInput& in) {
  if (r.box[2] <= 0) return "";
  static const std::map<std::string, std::string> d = {
      {"near", "close by"}, {"mid", "at mid distance"}, {"far", "far ahead"}};
  static const std::map<std::string, std::string> h = {
      {"left", "on the left"}, {"center", "in the center"}, {"right", "on the right"}};
  return d.at(distance_band(r.box, in.height)) + " " + h.at(horizontal_position(r.box, in.width));
}

std::string effect(const RetrievedRegion& r, const QaInput& in) {
  if (r.box[2] <= 0) return effect_on_ego(object_kind(r.label), "", "");
  return effect_on_ego(object_kind(r.label), horizontal_position(r.box, in.width), distance_band(r.box, in.height));
}

std::string name_of(const RetrievedRegion& r) {
  return r.kb_name.empty() || r.kb_name == r.label ? r.label : r.label + " (" + r.kb_name + ")";
}

}  // namespace

uint64_t stable_hash(const std::string& s, uint64_t seed) {
  uint64_t h = 1469598103934665603ull ^ (seed * 1099511628211ull);
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::vector<QaPair> builtin_open_qa(const QaInput& in, const QaOptions& o) {
  Picker p{o, in.item_id};
  std::vector<QaPair> out;
  auto add = [&](const char* task, const char* kind, std::string q, std::string a, const float* box = nullptr) {
    QaPair x{task, kind, std::move(q), std::move(a)};
    if (box) std::copy(box, box + 4, x.box);
    out.push_back(std::move(x));
  };
  const auto& objs = in.objects;
  // CODA general perception.
  std::string gp;
  for (const auto& r : objs) {
    std::string who = with_article(name_of(r));
    who[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(who[0])));
    gp += " " + who + (place(r, in).empty() ? " is in view." : " is " + place(r, in) + ".") + " " + effect(r, in);
  }
  add("coda", "general_perception",
      p.pick({"Describe the road users and obstacles in this scene and how each one affects the ego vehicle.",
              "What objects on or near the road should the driver notice here, and why?",
              "List the traffic participants and obstacles you can see and explain their influence on driving."},
             "gp"),
      objs.empty() ? "No road users or obstacles are recognised; the ego vehicle can proceed while watching the road."
                   : "The scene contains the following." + gp);
  // CODA region perception: the most relevant objects with a box.
  size_t n_region = 0;
  for (const auto& r : objs) {
    if (n_region >= o.max_region_questions || r.box[2] <= 0) continue;
    const std::string slot = "rp" + std::to_string(n_region++);
    std::string q = replace_all(
        p.pick({"What is the object in the box <box>, and why does it matter for driving?",
                "Identify what is inside region <box> and explain how the ego vehicle should respond to it.",
                "Please describe the object at <box> and its significance for the ego car.",
                "Which object is located at <box>? Explain its relevance to safe driving."},
               slot),
        "<box>", box_text(r.box));
    std::string a = "It is " + with_article(name_of(r)) + ", " + place(r, in) + ".";
    if (!r.description.empty()) a += " " + first_sentences(r.description, 200);
    if (!a.empty() && a.back() != '.') a += ".";
    add("coda", "region_perception", q, a + " " + effect(r, in), r.box);
  }
  // CODA driving suggestion.
  std::string sug;
  for (const auto& r : objs)
    if (r.box[2] > 0 && (horizontal_position(r.box, in.width) == "center" || distance_band(r.box, in.height) == "near"))
      sug += " " + effect(r, in);
  if (in.attributes.time_of_day == "night") sug += " Visibility is limited at night, so a lower speed is advisable.";
  if (in.attributes.low_contrast) sug += " The view has low contrast, so keep extra distance.";
  add("coda", "driving_suggestion",
      p.pick({"What should the ego vehicle do next in this situation?",
              "Give a driving suggestion for the ego car in this scene.",
              "How should the driver of the ego vehicle proceed, and why?"},
             "ds"),
      sug.empty() ? "The path ahead looks clear of recognised obstacles; keep the lane and a steady speed while "
                    "watching the road."
                  : "Drive carefully:" + sug);
  // LLaVA conversation (two turns), detailed description, complex reasoning.
  std::map<std::string, int> counts;
  for (const auto& r : in.regions) counts[r.label] += r.object && r.known();
  std::string seen;
  for (const auto& [label, n] : counts)
    if (n > 0) seen += (seen.empty() ? "" : ", ") + std::to_string(n) + " " + (n == 1 ? label : plural(label));
  add("llava", "conversation", p.pick({"What can you see on the road?", "Which road users are in view?"}, "cv0"),
      seen.empty() ? "I do not recognise any road users or obstacles." : "I can see " + seen + ".");
  if (!objs.empty())
    add("llava", "conversation", "Where is the " + objs[0].label + " relative to the ego vehicle?",
        "The " + objs[0].label + " is " + (place(objs[0], in).empty() ? "in view" : place(objs[0], in)) + ".");
  add("llava", "detailed_description",
      p.pick({"Describe this image in detail.", "Give a detailed description of the driving scene.",
              "Explain in detail what this dashcam picture shows."},
             "dd"),
      in.fine_caption.empty() ? in.raw_caption : in.fine_caption);
  std::string why;
  for (const auto& r : objs)
    if (object_kind(r.label) == ObjectKind::Other || object_kind(r.label) == ObjectKind::Animal ||
        object_kind(r.label) == ObjectKind::Vru)
      why += " The " + r.label + " " + place(r, in) + " is hard to predict. " + effect(r, in);
  if (in.attributes.time_of_day == "night")
    why += " It is dark, which shortens the distance at which hazards are seen.";
  add("llava", "complex_reasoning",
      p.pick({"What makes this scene challenging for a driver, and why?",
              "What potential risks does the ego vehicle face here, and how can it mitigate them?"},
             "cr"),
      why.empty()
          ? "Nothing unusual is recognised; the main task is keeping the lane and a safe distance to other traffic."
          : "Several things call for care." + why);
  return out;
}

std::vector<QaPair> closed_qa(const QaInput& in, const QaOptions& o) {
  Picker p{o, in.item_id};
  std::map<std::string, int> counts;
  std::set<std::string> named;  // every label a region got, confident or not
  for (const auto& r : in.regions) {
    if (r.known()) named.insert(r.label);
    if (r.object && r.known()) ++counts[r.label];
  }
  std::vector<QaPair> out;
  auto add = [&](const char* kind, std::string q, std::string a) {
    QaPair c{"closed", kind, std::move(q), std::move(a)};
    c.closed = true;
    out.push_back(std::move(c));
  };
  for (const auto& [label, n] : counts) {
    if (out.size() + (o.count_questions ? 2 : 1) > o.max_closed) break;
    if (o.count_questions) add("count", "How many " + plural(label) + " are visible in the image?", std::to_string(n));
    add("yes_no", "Is there " + with_article(label) + " in the image?", "Yes");
  }
  std::vector<std::string> absent;
  for (const auto& l : o.absent_labels)
    if (!named.count(l)) absent.push_back(l);
  if (!absent.empty() && out.size() < o.max_closed) {
    const std::string& l = p.pick(absent, "absent");
    add("yes_no", "Is there " + with_article(l) + " in the image?", "No");
  }
  return out;
}

std::vector<QaPair> drop_near_duplicates(const std::vector<QaPair>& qa, double threshold, int64_t* dropped) {
  NearDuplicateFilter f(threshold);
  std::vector<QaPair> out;
  for (const auto& q : qa) {
    if (q.closed || f.keep(q.question)) out.push_back(q);
    else if (dropped) ++*dropped;
  }
  return out;
}

}  // namespace cf::synth
