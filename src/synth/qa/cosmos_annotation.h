// The Cosmos AV clip-annotation schema (15 fields, enum values from the recipe) as a FieldSpec
// list, and the built-in annotation inferred from a clip frame's regions, caption and image
// attributes only (never ground truth): what cannot be inferred is "N/A" or null where the
// schema allows it.
#pragma once
#include <nlohmann/json.hpp>

#include "synth/qa/json_schema.h"
#include "synth/qa/qa_types.h"

namespace cf::synth {

const std::vector<FieldSpec>& cosmos_schema();
nlohmann::json builtin_cosmos_annotation(const QaInput& frame);
// Ordered as the schema (nlohmann::json sorts keys; this keeps the recipe's order in the text).
std::string cosmos_json_text(const nlohmann::json& annotation);

}  // namespace cf::synth
