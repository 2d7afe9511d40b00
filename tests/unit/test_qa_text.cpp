// ROUGE-L, the JSON validator/repair, the Cosmos schema and the openai reply parsing.
#include <gtest/gtest.h>

#include "synth/qa/cosmos_annotation.h"
#include "synth/qa/json_schema.h"
#include "synth/qa/openai_qa.h"
#include "synth/qa/rouge.h"

using namespace cf::synth;

TEST(QaRouge, HandCases) {
  EXPECT_EQ(rouge_tokens("Is there a Car?"), (std::vector<std::string>{"is", "there", "a", "car"}));
  EXPECT_EQ(lcs_length(rouge_tokens("a b c d e"), rouge_tokens("a x c y e")), 3u);
  EXPECT_DOUBLE_EQ(rouge_l_f("the cat sat", "the cat sat"), 1.0);
  EXPECT_DOUBLE_EQ(rouge_l_f("the cat sat", "dogs run"), 0.0);
  // LCS 3 of 4 and 5 tokens: P = 3/5, R = 3/4, F = 2PR/(P+R) = 2/3.
  EXPECT_NEAR(rouge_l_f("what is the object", "what is this big object"), 2.0 / 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(rouge_l_f("", "x"), 0.0);
  NearDuplicateFilter f(0.7);
  EXPECT_TRUE(f.keep("What should the ego vehicle do next?"));
  EXPECT_FALSE(f.keep("What should the ego vehicle do next now?"));  // F = 14/15 > 0.7
  EXPECT_TRUE(f.keep("Describe this image in detail."));
}

TEST(QaJson, RepairExtractsFirstObject) {
  auto j = extract_json_object("```json\n{\"a\": \"x } y\", \"b\": [1, 2]}\n```\ntrailing {\"c\":1}");
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["a"], "x } y");
  EXPECT_FALSE(extract_json_object("no json here"));
  EXPECT_FALSE(extract_json_object("{\"a\": 1"));  // truncated
  auto k = extract_json_object("Sure! {bad} then {\"ok\": true}");
  ASSERT_TRUE(k);
  EXPECT_EQ((*k)["ok"], true);
}

TEST(QaJson, ValidateCoercesOrRejects) {
  std::vector<FieldSpec> s = {{"name", JType::String},
                              {"color", JType::String, false, true, {"Red", "Green"}},
                              {"n", JType::Int},
                              {"flag", JType::Bool},
                              {"tags", JType::StringList, true},
                              {"note", JType::String, true, false}};
  s[2].min = 1;
  s[2].max = 4;
  nlohmann::json o = {{"name", "a"}, {"color", "red"}, {"n", "3"}, {"flag", "True"}, {"tags", "x"}, {"extra", 1}};
  EXPECT_EQ(validate_and_coerce(o, s), "");
  EXPECT_EQ(o["color"], "Red");
  EXPECT_EQ(o["n"], 3);
  EXPECT_EQ(o["flag"], true);
  EXPECT_EQ(o["tags"], nlohmann::json::array({"x"}));
  EXPECT_FALSE(o.contains("extra"));
  nlohmann::json na = {{"name", "a"}, {"color", "Red"}, {"n", 2.0}, {"flag", false}, {"tags", "N/A"}};
  EXPECT_EQ(validate_and_coerce(na, s), "");
  EXPECT_TRUE(na["tags"].is_null());
  auto reason = [&](nlohmann::json x) { return validate_and_coerce(x, s); };
  EXPECT_EQ(reason({{"color", "Red"}, {"n", 1}, {"flag", true}, {"tags", nullptr}}), "missing:name");
  EXPECT_EQ(reason({{"name", "a"}, {"color", "Blue"}, {"n", 1}, {"flag", true}, {"tags", nullptr}}), "enum:color");
  EXPECT_EQ(reason({{"name", "a"}, {"color", "Red"}, {"n", 9}, {"flag", true}, {"tags", nullptr}}), "range:n");
  EXPECT_EQ(reason({{"name", "a"}, {"color", "Red"}, {"n", 2.5}, {"flag", true}, {"tags", nullptr}}), "type:n");
  EXPECT_EQ(reason({{"name", "a"}, {"color", "Red"}, {"n", 1}, {"flag", "maybe"}, {"tags", nullptr}}), "type:flag");
  EXPECT_EQ(reason({{"name", "a"}, {"color", "Red"}, {"n", 1}, {"flag", true}, {"tags", {1}}}), "type:tags");
}

TEST(QaCosmos, RecipeExampleValidatesAndKeepsOrder) {
  // The recipe's example annotation (with its typographic hyphen and "False" strings).
  nlohmann::json a =
      nlohmann::json::parse(R"J({"weather": "Light rain", "lighting": "Daytime (low\u2011contrast daylight)",
    "road_conditions": "Wet surface with puddles", "traffic_light": "N/A", "traffic_sign": "A keep right sign.\n",
    "additional_traffic_rules": null, "road_type": "Collector road", "junction_type": "Straight segment",
    "lane_type": "Single lane each direction", "additional_map_rules": null,
    "interactive_expanded_metaaction": ["Yield to VRUs", "Vehicle following"], "safety_analysis": "...",
    "driving_difficulty": 3, "rule_violation": "False", "interesting_scenario": "True"})J");
  ASSERT_EQ(validate_and_coerce(a, cosmos_schema()), "");
  EXPECT_EQ(a["lighting"], "Daytime (low-contrast daylight)");
  EXPECT_EQ(a["rule_violation"], false);
  EXPECT_EQ(cosmos_schema().size(), 15u);
  EXPECT_EQ(cosmos_json_text(a).rfind("{\"weather\":\"Light rain\",\"lighting\"", 0), 0u);
  nlohmann::json bad = a;
  bad["interactive_expanded_metaaction"] = {"Drift"};
  EXPECT_EQ(validate_and_coerce(bad, cosmos_schema()), "enum:interactive_expanded_metaaction");
  bad = a;
  bad.erase("safety_analysis");
  EXPECT_EQ(validate_and_coerce(bad, cosmos_schema()), "missing:safety_analysis");
}

TEST(QaOpenAi, ReplyParsingCountsRejects) {
  std::map<std::string, int64_t> rejects;
  std::string why;
  auto qa = parse_qa_reply(
      "```json\n{\"qa\": [{\"task\": \"coda\", \"kind\": \"region_perception\", \"question\": \"What is at [1, 2, 3, "
      "4]?\","
      " \"answer\": \"A cone.\", \"box\": [\"1\", 2, 3, 4]},"
      " {\"task\": \"coda\", \"kind\": \"gossip\", \"question\": \"q\", \"answer\": \"a\"},"
      " {\"task\": \"llava\", \"kind\": \"conversation\", \"answer\": \"a\"}]}\n```",
      rejects, &why);
  ASSERT_EQ(qa.size(), 1u);
  EXPECT_EQ(qa[0].box[0], 1.0f);
  EXPECT_EQ(qa[0].source_backend, "openai");
  EXPECT_EQ(rejects["entry.enum:kind"], 1);
  EXPECT_EQ(rejects["entry.missing:question"], 1);
  EXPECT_TRUE(parse_qa_reply("I cannot help", rejects, &why).empty());
  EXPECT_EQ(why, "unparseable");
  EXPECT_EQ(rejects["unparseable"], 1);
  EXPECT_EQ(parse_annotation_reply("{\"weather\": \"Sunny\"}", rejects, &why), "");
  EXPECT_EQ(rejects["annotation.enum:weather"], 1);
}
