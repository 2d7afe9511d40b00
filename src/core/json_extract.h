// The first JSON object embedded in free text (a model's reply with prose or code fences
// around it): every '{' is tried as a start, the balanced span (strings and escapes respected)
// that parses as an object is returned.
#pragma once
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace cf {

std::optional<nlohmann::json> extract_json_object(const std::string& text);

}  // namespace cf
