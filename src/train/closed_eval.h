// Closed-question accuracy: greedy answers to the eval split's closed questions (yes/no,
// counts, enums) compared token for token with the reference answer.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "model/modules.h"

namespace cf {

// Returns {"accuracy": a, "questions": n}. Uses up to max_questions closed samples, in order.
nlohmann::json closed_accuracy(Vlm& model, const std::string& eval_dir, int64_t max_questions, int64_t pad_id);

}  // namespace cf
