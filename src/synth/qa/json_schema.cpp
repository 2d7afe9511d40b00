#include "synth/qa/json_schema.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace cf::synth {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

bool is_null_word(const nlohmann::json& v) {
  if (v.is_null()) return true;
  if (!v.is_string()) return false;
  const std::string s = lower(trim(v.get<std::string>()));
  return s == "null" || s == "none" || s == "n/a" || s.empty();
}

// Case-insensitive match against choices (also ignoring a typographic hyphen); returns the choice.
std::optional<std::string> match_choice(const std::string& v, const std::vector<std::string>& choices) {
  if (choices.empty()) return v;
  auto norm = [](std::string s) {
    for (size_t p; (p = s.find("\u2011")) != std::string::npos;) s.replace(p, 3, "-");
    return lower(trim(s));
  };
  for (const auto& c : choices)
    if (norm(c) == norm(v)) return c;
  return std::nullopt;
}

std::string coerce(nlohmann::json& v, const FieldSpec& f) {
  const std::string& n = f.name;
  if (f.nullable && is_null_word(v) &&
      !(f.type == JType::String && !v.is_null() && !f.choices.empty() &&
        match_choice(v.get<std::string>(), f.choices))) {
    v = nullptr;
    return "";
  }
  switch (f.type) {
    case JType::String: {
      if (v.is_number() || v.is_boolean()) v = v.dump();
      if (!v.is_string()) return "type:" + n;
      auto m = match_choice(v.get<std::string>(), f.choices);
      if (!m) return "enum:" + n;
      v = *m;
      return "";
    }
    case JType::Int: {
      if (v.is_string()) {
        const std::string s = trim(v.get<std::string>());
        char* end = nullptr;
        double d = std::strtod(s.c_str(), &end);
        if (s.empty() || *end) return "type:" + n;
        v = d;
      }
      if (v.is_number_float()) {
        double d = v.get<double>();
        if (d != std::floor(d)) return "type:" + n;
        v = static_cast<int64_t>(d);
      }
      if (!v.is_number_integer()) return "type:" + n;
      const int64_t x = v.get<int64_t>();
      return x < f.min || x > f.max ? "range:" + n : "";
    }
    case JType::Bool: {
      if (v.is_string()) {
        const std::string s = lower(trim(v.get<std::string>()));
        if (s == "true" || s == "yes") v = true;
        else if (s == "false" || s == "no") v = false;
      } else if (v.is_number_integer() && (v.get<int64_t>() == 0 || v.get<int64_t>() == 1)) {
        v = v.get<int64_t>() == 1;
      }
      return v.is_boolean() ? "" : "type:" + n;
    }
    case JType::StringList: {
      if (v.is_string()) v = nlohmann::json::array({v});
      if (!v.is_array()) return "type:" + n;
      for (auto& e : v) {
        if (!e.is_string()) return "type:" + n;
        auto m = match_choice(e.get<std::string>(), f.choices);
        if (!m) return "enum:" + n;
        e = *m;
      }
      return "";
    }
    case JType::Box: {
      if (!v.is_array() || v.size() != 4) return "type:" + n;
      for (auto& e : v) {
        if (e.is_string()) e = std::strtod(e.get<std::string>().c_str(), nullptr);
        if (!e.is_number()) return "type:" + n;
      }
      return "";
    }
  }
  return "type:" + n;
}

}  // namespace

std::string validate_and_coerce(nlohmann::json& obj, const std::vector<FieldSpec>& schema) {
  if (!obj.is_object()) return "not_object";
  nlohmann::json out = nlohmann::json::object();
  for (const auto& f : schema) {
    if (!obj.contains(f.name)) {
      if (f.required) return "missing:" + f.name;
      continue;
    }
    nlohmann::json v = obj[f.name];
    std::string r = coerce(v, f);
    if (!r.empty()) return r;
    out[f.name] = std::move(v);
  }
  obj = std::move(out);
  return "";
}

}  // namespace cf::synth
