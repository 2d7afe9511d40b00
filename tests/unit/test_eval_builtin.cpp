// The offline judge: field kinds, text matching, closed answers, and on generated scenes a
// perfect annotation scores above a degraded one for every field of every scene.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "eval/builtin_judge.h"
#include "eval/fields.h"
#include "eval/text_match.h"
#include "scenegen/scenegen.h"

namespace fs = std::filesystem;
using namespace cf::eval;
using nlohmann::json;

TEST(EvalBuiltin, FieldKinds) {
  auto s = [](FieldKind k, json r, json a) { return builtin_field_score(k, r, a).score; };
  EXPECT_EQ(s(FieldKind::Enum, "Light rain", "light rain."), 5);
  EXPECT_EQ(s(FieldKind::Enum, "Light rain", "Heavy rain"), 1);
  EXPECT_EQ(s(FieldKind::Enum, "N/A", nullptr), 5);
  EXPECT_EQ(s(FieldKind::Bool, true, "True"), 5);
  EXPECT_EQ(s(FieldKind::Bool, false, true), 1);
  EXPECT_EQ(s(FieldKind::Bool, false, nullptr), 1);
  EXPECT_EQ(s(FieldKind::Int, 3, 3.0), 5);
  EXPECT_EQ(s(FieldKind::Int, 3, "3"), 5);
  EXPECT_EQ(s(FieldKind::Int, 3, 2), 1);
  EXPECT_EQ(s(FieldKind::Int, 3, "three-ish"), 1);
  EXPECT_EQ(s(FieldKind::EnumList, nullptr, json::array()), 5);
  EXPECT_EQ(
      s(FieldKind::EnumList, json{"Yield to VRUs", "Vehicle following"}, json{"vehicle following", "yield to VRUs"}),
      5);
  EXPECT_EQ(s(FieldKind::EnumList, json{"Yield to VRUs", "Vehicle following"}, json{"Vehicle following"}), 3);
  EXPECT_EQ(s(FieldKind::EnumList, json{"Yield to VRUs"}, nullptr), 1);
  EXPECT_EQ(s(FieldKind::Text, nullptr, nullptr), 5);
  EXPECT_EQ(s(FieldKind::Text, "There is a crosswalk.", nullptr), 1);
  EXPECT_EQ(field_kind("weather", "x"), FieldKind::Enum);
  EXPECT_EQ(field_kind("rule_violation", "x"), FieldKind::Bool);
  EXPECT_EQ(field_kind("custom_flag", true), FieldKind::Bool);
  EXPECT_EQ(field_kind("custom_count", 2), FieldKind::Int);
  EXPECT_EQ(field_kind("custom_text", "x"), FieldKind::Text);
}

TEST(EvalBuiltin, TextMatchFactsAndNumbers) {
  EXPECT_EQ(match_text("Wet asphalt with puddles", "wet asphalt with puddles").score, 5);
  EXPECT_LT(match_text("Two lanes each direction", "Three lanes each direction").score, 5);
  EXPECT_LT(match_text("No traffic light", "The traffic light is red").score, 4);
  const std::string ref = "The ego vehicle slows for a pedestrian at the crosswalk. The road is wet. Traffic is light.";
  const auto partial = match_text(ref, "The road is wet.");
  EXPECT_NEAR(partial.fact_recall, 1.0 / 3, 1e-9);
  EXPECT_DOUBLE_EQ(partial.fact_precision, 1.0);
  const auto para = match_text(
      ref, "Traffic is light and the road surface is wet; the ego car slows down for a pedestrian on the crosswalk.");
  EXPECT_GT(para.similarity, partial.similarity);
  EXPECT_EQ(match_text("", "").score, 5);
  EXPECT_EQ(match_text("something", "").score, 1);
  EXPECT_EQ(facts_of("Speed 2.5 m/s. Stop; go!\nEnd").size(), 4u);
}

TEST(EvalBuiltin, ClosedAndSamples) {
  EXPECT_TRUE(closed_answer_matches("2", "There are two cars."));
  EXPECT_TRUE(closed_answer_matches("Yes", "yes, on the left"));
  EXPECT_FALSE(closed_answer_matches("Yes", "No."));
  EXPECT_FALSE(closed_answer_matches("3", "2"));
  EXPECT_TRUE(closed_answer_matches("0", "None"));
  EXPECT_EQ(builtin_sample_score("closed", "2", "2").score, 5);
  const std::string ref = R"({"weather":"Overcast","rule_violation":false})";
  EXPECT_EQ(builtin_sample_score("annotation", ref, "```json\n" + ref + "\n```").score, 5);
  EXPECT_EQ(builtin_sample_score("annotation", ref, "I cannot annotate this video.").score, 1);
  EXPECT_EQ(builtin_sample_score("annotation", ref, R"({"weather":"Overcast","rule_violation":true})").score, 3);
  EXPECT_FALSE(builtin_sample_score("annotation", "not json", ref).ok);
  auto p = builtin_compare("general", "a red car ahead", "a red car ahead", "a bus", 0.05);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.verdict, 1);
  EXPECT_EQ(builtin_compare("general", "a red car ahead", "a bus", "a red car ahead", 0.05).verdict, -1);
  EXPECT_EQ(builtin_compare("general", "a red car ahead", "a red car ahead", "a red car ahead", 0.05).verdict, 0);
}

namespace {
// A value that differs from `v` in every field (another scene's value, or a flip/shift).
json degrade(const std::string& field, const json& v, const std::vector<json>& others, size_t salt) {
  if (v.is_boolean()) return !v.get<bool>();
  if (v.is_number_integer()) return v.get<int>() % 4 + 1;
  if (field == "interactive_expanded_metaaction")
    return json{v.is_array() && !v.empty() && v[0] == "React to animals" ? "Overtake vehicles" : "React to animals"};
  for (size_t k = 0; k < others.size(); ++k) {
    const json& o = others[(k + salt) % others.size()];
    if (o.contains(field) && normalize_enum(o[field].is_string() ? o[field].get<std::string>() : "") !=
                                 normalize_enum(v.is_string() ? v.get<std::string>() : ""))
      return o[field];
  }
  return v.is_null() ? json("Construction workers direct traffic.") : json(nullptr);
}
}  // namespace

TEST(EvalBuiltin, PerfectBeatsDegradedOnEveryFieldOfGeneratedScenes) {
  const fs::path dir = fs::temp_directory_path() / ("cf-eval-scenes-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  cf::scenegen::SceneGenOptions o;
  o.images = 16;
  o.clips = 2;
  o.width = 160;
  o.height = 90;
  o.clip_seconds = 1.0;
  o.clip_fps = 5;
  o.seed = 77;
  cf::scenegen::generate_corpus(o, dir.string(), 0, 1);
  std::vector<json> anns;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().extension() != ".json" || e.path().filename() == "scenegen_manifest.json") continue;
    std::ifstream in(e.path());
    json j = json::parse(in);
    json a = j.contains("annotation") ? j["annotation"] : json::object();
    if (!j.contains("annotation"))
      for (const auto& f : schema_fields())
        if (j.contains(f)) a[f] = j[f];
    anns.push_back(a);
  }
  fs::remove_all(dir);
  ASSERT_EQ(anns.size(), 18u);
  std::map<std::string, int> seen;
  for (size_t i = 0; i < anns.size(); ++i) {
    std::vector<json> others;
    for (size_t k = 0; k < anns.size(); ++k)
      if (k != i) others.push_back(anns[k]);
    json bad = anns[i];
    for (const auto& f : annotation_fields(anns[i])) {
      bad[f] = degrade(f, anns[i][f], others, i);
      const FieldKind kind = field_kind(f, anns[i][f]);
      const auto good = builtin_field_score(kind, anns[i][f], anns[i][f]);
      const auto worse = builtin_field_score(kind, anns[i][f], bad[f]);
      EXPECT_EQ(good.score, 5) << f;
      EXPECT_LT(worse.score, good.score) << "scene " << i << " field " << f << ": " << anns[i][f] << " vs " << bad[f];
      ++seen[f];
    }
    EXPECT_GT(builtin_sample_score("annotation", anns[i].dump(), anns[i].dump()).similarity,
              builtin_sample_score("annotation", anns[i].dump(), bad.dump()).similarity);
  }
  EXPECT_EQ(seen.size(), schema_fields().size());  // every schema field was exercised
}
