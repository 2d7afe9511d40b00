// The offline judge: scores an answer against its reference without any server, so the demo
// and CI need no network. Enum fields by normalized match, booleans and integers by exact
// match, lists by set overlap, free text by fact overlap + ROUGE-L (text_match.h), all mapped
// to 1-5. Pairwise verdicts compare the two answers' similarities (position-independent).
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "eval/fields.h"
#include "eval/judgment.h"

namespace cf::eval {

// One annotation field; a missing key in the answer is passed as null.
ScoreJudgment builtin_field_score(FieldKind kind, const nlohmann::json& reference, const nlohmann::json& answer);

// A whole sample of `task` (canonical): annotation = mean of its field scores (an answer that is
// not a JSON object scores 1), closed = 5 or 1, anything else = free text.
ScoreJudgment builtin_sample_score(const std::string& task, const std::string& reference, const std::string& answer);

// +1 when `first` is closer to the reference than `second` by more than `tie_margin`
// (similarity, 0..1), -1 when it is further, 0 otherwise.
PairJudgment builtin_compare(const std::string& task, const std::string& reference, const std::string& first,
                             const std::string& second, double tie_margin);

}  // namespace cf::eval
