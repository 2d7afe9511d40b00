// Fields of a clip annotation (the Cosmos AV schema) and how each is compared: the kind of a
// known field is fixed here; an unknown field's kind follows its reference value's JSON type.
// Also the lenient parse of a model's annotation reply (code fences, text around the object).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cf::eval {

enum class FieldKind {
  Enum,      // one of a fixed set of strings: normalized match
  EnumList,  // a list of enum strings (or null = empty list): set overlap
  Bool,      // exact match (true/false, "True"/"yes" accepted)
  Int,       // exact match (3, 3.0, "3" accepted)
  Text       // free text (null allowed where the schema allows it): fact overlap + ROUGE-L
};
const char* to_string(FieldKind k);

// Kind of `field`; unknown fields by the type of `reference`.
FieldKind field_kind(const std::string& field, const nlohmann::json& reference);

// The fields to score for one sample: the known schema fields present in the reference, in
// schema order, then any other reference keys in name order.
std::vector<std::string> annotation_fields(const nlohmann::json& reference);
const std::vector<std::string>& schema_fields();  // the 15 Cosmos fields, in schema order

// The first balanced JSON object in `text` (after stripping ``` fences), or nullopt.
std::optional<nlohmann::json> parse_annotation(const std::string& text);

}  // namespace cf::eval
