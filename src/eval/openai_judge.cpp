#include "eval/openai_judge.h"

#include "core/error.h"
#include "eval/extract.h"
#include "core/prompts.h"

namespace cf::eval {

std::string judge_guidance(const std::string& task, const std::string& field) {
  static const std::map<std::string, std::string> fields = {
      {"weather", "the weather category; a different category is wrong even if similar."},
      {"lighting", "day or night and the light quality; a different category is wrong."},
      {"road_conditions", "the road surface state (dry, wet, snow, ice) and its material."},
      {"traffic_light", "whether there is a traffic light, its colour(s) over time and how the ego vehicle reacts."},
      {"traffic_sign", "every relevant traffic sign; each missing or invented sign is an error."},
      {"additional_traffic_rules", "special rules on this stretch of road; null means none apply."},
      {"road_type", "the class of road (local street, collector, arterial, highway, ...)."},
      {"junction_type", "the junction or road geometry the ego vehicle passes and how it is controlled."},
      {"lane_type", "the number and kind of lanes in each direction."},
      {"additional_map_rules", "markings painted on the road that imply rules; null means none."},
      {"interactive_expanded_metaaction", "the set of ego behaviour categories; compare them as a set."},
      {"safety_analysis", "the situation, the ego vehicle's actions and every safety-relevant event."},
      {"driving_difficulty",
       "the difficulty from 1 (very easy) to 4 (very difficult); only the same number is correct."},
      {"rule_violation", "whether a traffic law is broken (true/false); only the same value is correct."},
      {"interesting_scenario", "whether the scenario is unusual enough to be good training data (true/false)."},
  };
  if (task == "annotation") {
    auto it = fields.find(field);
    return "the '" + field + "' field of a driving-clip annotation: " +
           (it != fields.end() ? it->second : std::string("the same value or meaning as the reference."));
  }
  if (task == "general")
    return "the road users and obstacles in the scene and how each one affects the ego vehicle; the same objects with "
           "the same effect.";
  if (task == "region")
    return "what the marked region shows and why it matters for driving; the object's identity matters most.";
  if (task == "suggestion")
    return "the action the ego vehicle should take; it must be as safe and as specific as the reference.";
  if (task == "closed")
    return "a single short fact (yes/no, a count, a name); anything else than the reference's fact is wrong.";
  return "the same facts as the reference, without contradictions.";
}

OpenAiJudge::OpenAiJudge(OpenAiJudgeOptions opt) : opt_(std::move(opt)), client_(opt_.client) {}

template <typename J>
std::vector<J> OpenAiJudge::run(const std::vector<net::ChatRequest>& reqs, J (*extract)(const std::string&)) {
  std::vector<J> out(reqs.size());
  std::vector<size_t> todo(reqs.size());
  for (size_t i = 0; i < reqs.size(); ++i) todo[i] = i;
  for (int round = 0; round <= opt_.parse_retries && !todo.empty(); ++round) {
    std::vector<net::ChatRequest> batch;
    for (size_t i : todo) batch.push_back(reqs[i]);
    const auto results = client_.complete_all(batch);
    std::vector<size_t> again;
    for (size_t k = 0; k < todo.size(); ++k) {
      const size_t i = todo[k];
      if (!results[k].ok) {  // the client already retried; a server failure is final
        out[i] = J{};
        out[i].reason = "request failed: " + results[k].error;
        continue;
      }
      out[i] = extract(results[k].reply.content);
      if (!out[i].ok) {
        out[i].reason = "unusable reply (" + out[i].reason + ")";
        again.push_back(i);
      }
    }
    if (round < opt_.parse_retries) reasked_ += static_cast<int64_t>(again.size());
    todo = std::move(again);
  }
  return out;
}

namespace {
net::ChatRequest chat(const OpenAiJudgeOptions& o, std::string user) {
  net::ChatRequest r;
  r.messages = {{"system", o.system_prompt, ""}, {"user", std::move(user), ""}};
  r.temperature = o.temperature;
  r.max_tokens = o.max_tokens;
  return r;
}
std::string shown(const std::string& s) { return s.empty() ? "(empty)" : s; }
}  // namespace

std::vector<ScoreJudgment> OpenAiJudge::score(const std::vector<ScoreRequest>& reqs) {
  std::vector<net::ChatRequest> chats;
  for (const auto& r : reqs)
    chats.push_back(chat(opt_, fill_template(opt_.score_prompt,
                                             {{"question", shown(r.question)},
                                              {"guidance", judge_guidance(r.task, r.field)},
                                              {"reference", shown(r.reference)},
                                              {"answer", shown(r.answer)}},
                                             "eval.prompt_score")));
  return run<ScoreJudgment>(chats, &extract_score);
}

std::vector<PairJudgment> OpenAiJudge::compare(const std::vector<PairRequest>& reqs) {
  std::vector<net::ChatRequest> chats;
  for (const auto& r : reqs)
    chats.push_back(chat(opt_, fill_template(opt_.pairwise_prompt,
                                             {{"question", shown(r.question)},
                                              {"guidance", judge_guidance(r.task, "")},
                                              {"reference", shown(r.reference)},
                                              {"answer_a", shown(r.first)},
                                              {"answer_b", shown(r.second)}},
                                             "eval.prompt_pairwise")));
  return run<PairJudgment>(chats, &extract_verdict);
}

nlohmann::json OpenAiJudge::stats() const {
  const auto u = client_.usage();
  return {{"requests", u.requests},
          {"requests_failed", u.failed},
          {"request_retries", u.retries},
          {"prompt_tokens", u.prompt_tokens},
          {"completion_tokens", u.completion_tokens},
          {"reasked_unusable", reasked_}};
}

}  // namespace cf::eval
