// The LLM judge: our prompts (configs/prompts/judge_*.txt, compiled in; eval.prompt_* names a
// file to use instead) sent to an OpenAI-compatible server through cf::net::OpenAiClient, which
// retries HTTP failures. A reply without a usable score/verdict is asked again, up to
// `parse_retries` more times; after that the judgment fails with the extraction's reason.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "eval/judge.h"
#include "net/openai_client.h"

namespace cf::eval {

struct OpenAiJudgeOptions {
  net::ClientOptions client;
  std::string system_prompt, score_prompt, pairwise_prompt;  // templates with {{placeholders}}
  int parse_retries = 2;
  double temperature = 0.0;
  int64_t max_tokens = 400;
};

// Judge prompts: cf::load_prompt("judge_<name>", path, key) and cf::fill_template (core/prompts.h).
// What the judge should look for, by task (and annotation field).
std::string judge_guidance(const std::string& task, const std::string& field);

class OpenAiJudge : public Judge {
 public:
  explicit OpenAiJudge(OpenAiJudgeOptions opt);
  std::string name() const override { return "openai"; }
  std::vector<ScoreJudgment> score(const std::vector<ScoreRequest>& reqs) override;
  std::vector<PairJudgment> compare(const std::vector<PairRequest>& reqs) override;
  nlohmann::json stats() const override;

 private:
  template <typename J>
  std::vector<J> run(const std::vector<net::ChatRequest>& reqs, J (*extract)(const std::string&));
  OpenAiJudgeOptions opt_;
  net::OpenAiClient client_;
  int64_t reasked_ = 0;
};

}  // namespace cf::eval
