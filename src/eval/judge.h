// A judge scores answers against references (1-5) and compares two answers to the same
// question. Two implementations: builtin (offline, builtin_judge.h) and openai (an
// OpenAI-compatible server, openai_judge.h). Results come back in request order; a failed
// judgment is a result with ok = false, never an exception.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/judgment.h"

namespace cf {
class Config;
}

namespace cf::eval {

struct ScoreRequest {
  std::string task;                              // canonical task ("annotation" for one field of a clip annotation)
  std::string field;                             // annotation field, empty otherwise
  std::string question;                          // the question, or the field's description
  std::string reference, answer;                 // as text (what an LLM judge reads)
  nlohmann::json reference_value, answer_value;  // annotation fields: the JSON values
};

struct PairRequest {
  std::string task, question, reference, first, second;
};

class Judge {
 public:
  virtual ~Judge() = default;
  virtual std::string name() const = 0;
  virtual std::vector<ScoreJudgment> score(const std::vector<ScoreRequest>& reqs) = 0;
  virtual std::vector<PairJudgment> compare(const std::vector<PairRequest>& reqs) = 0;
  virtual nlohmann::json stats() const { return nlohmann::json::object(); }  // e.g. token usage
};

// The judge named by eval.judge ("builtin" or "openai"). Throws ConfigError.
std::unique_ptr<Judge> make_judge(const Config& cfg);

}  // namespace cf::eval
