// The result of one judgment: a 1-5 score of an answer against its reference, or a pairwise
// verdict. A judgment that failed (server error after retries, reply without a usable score)
// has ok = false and a reason; reports count it, never drop it silently.
#pragma once
#include <string>

namespace cf::eval {

struct ScoreJudgment {
  bool ok = false;
  double score = 0;       // 1..5 when ok
  double similarity = 0;  // 0..1: builtin judge's continuous agreement ((score-1)/4 for others)
  std::string reason;     // why it failed, or the judge's short rationale
  std::string raw;        // the judge's raw reply (openai), for judgments.jsonl
};

// Verdict of one ordered comparison: +1 first answer better, -1 second better, 0 tie.
struct PairJudgment {
  bool ok = false;
  int verdict = 0;
  std::string reason;
  std::string raw;
};

}  // namespace cf::eval
