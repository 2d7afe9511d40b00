// Built-in QA generator: task coverage, exact closed answers, determinism, near-duplicate
// dropping, and the built-in Cosmos annotation conforming to the schema.
#include <set>

#include <gtest/gtest.h>

#include "synth/qa/builtin_qa.h"
#include "synth/qa/cosmos_annotation.h"

using namespace cf::synth;

namespace {

RetrievedRegion region(const std::string& label, float x, float y, float w, float h) {
  RetrievedRegion r;
  r.label = label;
  r.kb_name = label;
  r.box[0] = x;
  r.box[1] = y;
  r.box[2] = w;
  r.box[3] = h;
  return r;
}

QaInput sample() {
  QaInput in;
  in.item_id = "images/scene_000001.jpg";
  in.width = 640;
  in.height = 360;
  in.raw_caption = "A daytime dashcam view.";
  in.fine_caption = "A daytime dashcam view. About the tire: a loose tire.";
  auto tire = region("loose tire", 300, 250, 60, 40);
  tire.description = "A tyre that has come off a vehicle.";
  in.regions = {region("car", 100, 150, 80, 60), region("car", 500, 160, 60, 50), tire,
                region("pedestrian", 320, 180, 20, 60), region("unknown", 0, 0, 10, 10)};
  in.regions[4].kb_name = "";
  in.objects = {tire, in.regions[0], in.regions[1], in.regions[3]};
  return in;
}

}  // namespace

TEST(QaGenerator, CoversCodaAndLlavaKinds) {
  QaOptions o;
  auto qa = builtin_open_qa(sample(), o);
  std::set<std::string> kinds;
  for (const auto& q : qa) kinds.insert(q.kind);
  for (const char* k : {"general_perception", "region_perception", "driving_suggestion", "conversation",
                        "detailed_description", "complex_reasoning"})
    EXPECT_TRUE(kinds.count(k)) << k;
  for (const auto& q : qa) {
    EXPECT_FALSE(q.closed);
    if (q.kind == "region_perception") {
      EXPECT_GT(q.box[2], 0);
      EXPECT_NE(q.question.find("[" + std::to_string(int(q.box[0]))), std::string::npos) << q.question;
    } else {
      EXPECT_EQ(q.box[0], -1);
    }
  }
  EXPECT_NE(qa[1].answer.find("loose tire"), std::string::npos);  // most relevant object first
}

TEST(QaGenerator, ClosedAnswersAreExactCounts) {
  QaOptions o;
  o.absent_labels = {"car", "bus"};
  o.max_closed = 7;  // 3 labels x (count, yes) + 1 absent
  o.count_questions = true;
  auto qa = closed_qa(sample(), o);
  std::map<std::string, std::string> qa_map;
  for (const auto& q : qa) {
    EXPECT_TRUE(q.closed);
    qa_map[q.question] = q.answer;
  }
  EXPECT_EQ(qa_map["How many cars are visible in the image?"], "2");
  EXPECT_EQ(qa_map["How many loose tires are visible in the image?"], "1");
  EXPECT_EQ(qa_map["Is there a pedestrian in the image?"], "Yes");
  EXPECT_EQ(qa_map["Is there a bus in the image?"], "No");  // car is present, so bus is the absent pick
  EXPECT_EQ(qa_map.count("How many unknowns are visible in the image?"), 0u);
  o.max_closed = 2;
  EXPECT_EQ(closed_qa(sample(), o).size(), 2u);
}

TEST(QaGenerator, ClosedQuestionsOnlyAboutConfidentObjects) {
  QaOptions o;
  o.absent_labels = {"car", "bus"};
  QaInput in = sample();
  for (auto& r : in.regions)
    if (r.label == "car") r.object = false;  // parts / weak names: not asked about, not "absent" either
  std::map<std::string, std::string> qa_map;
  for (const auto& q : closed_qa(in, o)) {
    EXPECT_EQ(q.kind, "yes_no");  // no count questions by default
    qa_map[q.question] = q.answer;
  }
  EXPECT_EQ(qa_map.count("Is there a car in the image?"), 0u);
  EXPECT_EQ(qa_map["Is there a pedestrian in the image?"], "Yes");
  EXPECT_EQ(qa_map["Is there a bus in the image?"], "No");
}

TEST(QaGenerator, DeterministicPerSeedAndItem) {
  QaOptions o;
  auto a = builtin_open_qa(sample(), o), b = builtin_open_qa(sample(), o);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].question + a[i].answer, b[i].question + b[i].answer);
  std::set<std::string> phrasings;
  for (uint64_t seed = 0; seed < 12; ++seed) {
    o.seed = seed;
    phrasings.insert(builtin_open_qa(sample(), o)[0].question);
  }
  EXPECT_GT(phrasings.size(), 1u);  // the seed changes the template choice
  EXPECT_EQ(stable_hash("abc", 7), stable_hash("abc", 7));
}

TEST(QaGenerator, NearDuplicatesDroppedClosedKept) {
  std::vector<QaPair> qa = {{"coda", "driving_suggestion", "What should the ego vehicle do next?", "a"},
                            {"llava", "conversation", "What should the ego vehicle do next here?", "b"},
                            {"llava", "detailed_description", "Describe this image in detail.", "c"}};
  QaPair c1{"closed", "count", "How many cars are visible in the image?", "2"}, c2 = c1;
  c1.closed = c2.closed = true;
  c2.question = "How many buses are visible in the image?";
  qa.push_back(c1);
  qa.push_back(c2);
  int64_t dropped = 0;
  auto kept = drop_near_duplicates(qa, 0.7, &dropped);
  EXPECT_EQ(dropped, 1);
  ASSERT_EQ(kept.size(), 4u);
  EXPECT_EQ(kept[1].kind, "detailed_description");
}

TEST(QaCosmos, BuiltinAnnotationConformsAndInfersFromRegions) {
  QaInput in = sample();
  in.clip_id = "clips/clip_000001.mp4#clip000";
  in.attributes.time_of_day = "night";
  in.attributes.brightness = 0.1;
  auto a = builtin_cosmos_annotation(in);
  auto copy = a;
  EXPECT_EQ(validate_and_coerce(copy, cosmos_schema()), "");
  EXPECT_EQ(a.size(), 15u);
  EXPECT_EQ(a["lighting"], "Night (poorly lit; few/no streetlights)");
  EXPECT_EQ(a["weather"], "N/A");
  // The pedestrian is in the center band; both cars are to the sides (no vehicle to follow).
  EXPECT_EQ(a["interactive_expanded_metaaction"], nlohmann::json::array({"Yield to VRUs"}));
  EXPECT_EQ(a["interesting_scenario"], true);  // the loose tire is not a common road user
  EXPECT_TRUE(a["additional_map_rules"].is_null());
}
