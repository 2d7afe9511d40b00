#include "core/json_extract.h"

namespace cf {

std::optional<nlohmann::json> extract_json_object(const std::string& text) {
  for (size_t start = text.find('{'); start != std::string::npos; start = text.find('{', start + 1)) {
    int depth = 0;
    bool in_str = false, esc = false;
    for (size_t i = start; i < text.size(); ++i) {
      const char c = text[i];
      if (in_str) {
        if (esc) esc = false;
        else if (c == '\\') esc = true;
        else if (c == '"') in_str = false;
        continue;
      }
      if (c == '"') in_str = true;
      else if (c == '{') ++depth;
      else if (c == '}' && --depth == 0) {
        auto j = nlohmann::json::parse(text.substr(start, i - start + 1), nullptr, false);
        if (!j.is_discarded() && j.is_object()) return j;
        break;
      }
    }
  }
  return std::nullopt;
}

}  // namespace cf
