// The evaluation itself: (a) 1-5 scores of every clip-annotation field, (b) pairwise judgments
// in both orders → win/tie/loss, win rates, Elo with bootstrap CIs, (c) CODA-LM-style task
// scores on 0-100. Judges are called in two batches (scores, then pairs) so an LLM judge can
// keep its concurrency busy. Deterministic for a deterministic judge.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/answers.h"
#include "eval/elo.h"
#include "eval/judge.h"

namespace cf::eval {

struct EvalOptions {
  double success_score = 4;   // a judgment at or above this counts as a success
  bool failed_as_min = true;  // failed judgments count as score 1 in means (else left out of means)
  bool pairwise = true;
  EloOptions elo;
};

// Judgments of one model on one field or task.
struct Tally {
  int64_t judged = 0, failed = 0, successes = 0;
  double sum = 0;
  void add(bool ok, double score, double success_score);
  double mean(bool failed_as_min) const;  // NaN when nothing to average
  double success_rate() const;            // successes / (judged + failed)
};

struct EvalResult {
  std::vector<std::string> models;
  std::vector<std::string> fields, tasks;           // row order of the tables
  std::map<std::string, std::vector<Tally>> field;  // field -> per model
  std::map<std::string, std::vector<Tally>> task;   // task -> per model (per-sample scores)
  std::vector<int64_t> unparseable_answers;         // per model: annotation answers that are not JSON
  std::vector<Outcome> outcomes;                    // pairwise, both orders combined
  int64_t pairs_failed = 0;                         // samples whose pair judgment failed in an order
  std::vector<std::vector<Record>> records;
  EloResult elo;
  std::vector<nlohmann::json> judgments;  // every judgment, for judgments.jsonl
  int64_t judgments_ok = 0, judgments_failed = 0;
};

EvalResult evaluate(const EvalSet& set, Judge& judge, const EvalOptions& opt);

// Task score on 0-100: (mean 1-5 score - 1) / 4 * 100.
double task_score(const Tally& t, bool failed_as_min);

}  // namespace cf::eval
