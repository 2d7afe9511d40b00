// Reading a 1-5 score or an A/B/tie verdict out of a judge model's free-text reply. Tried in
// order, the last occurrence winning: our tag (<score>4</score>, <verdict>A</verdict>; also
// <answer>), "Score: 4" / "Rating = 4/5" / "[[A]]" / "Verdict: B", "4/5", then a last line that
// is only the value. Out-of-range values (0, 7, "8/10"), an empty reply, or several bare
// numbers without any marker are failures with a reason, never a guess.
#pragma once
#include <string>

#include "eval/judgment.h"

namespace cf::eval {

ScoreJudgment extract_score(const std::string& reply);
PairJudgment extract_verdict(const std::string& reply);  // verdict +1 = A (first), -1 = B, 0 tie

}  // namespace cf::eval
