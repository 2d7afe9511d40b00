#include "core/config.h"

#include <algorithm>
#include <charconv>
#include <sstream>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "core/error.h"

namespace cf {
namespace {

std::string where(const std::string& file, const toml::source_region& src) {
  std::ostringstream os;
  os << file << ":" << src.begin.line;
  return os.str();
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

const char* node_type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::string: return "a string";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date/time";
  }
}

// Converts a TOML node to the declared type; returns nullopt on a type mismatch.
std::optional<ConfigValue> convert(const ConfigKey& key, const toml::node& n) {
  switch (key.type) {
    case ConfigType::Int:
      if (auto v = n.value_exact<int64_t>()) return ConfigValue{*v};
      return std::nullopt;
    case ConfigType::Float:
      if (n.is_integer()) return ConfigValue{static_cast<double>(*n.value<int64_t>())};
      if (auto v = n.value_exact<double>()) return ConfigValue{*v};
      return std::nullopt;
    case ConfigType::Bool:
      if (auto v = n.value_exact<bool>()) return ConfigValue{*v};
      return std::nullopt;
    case ConfigType::String:
      if (auto v = n.value_exact<std::string>()) return ConfigValue{*v};
      return std::nullopt;
    case ConfigType::StringList: {
      const auto* arr = n.as_array();
      if (!arr) return std::nullopt;
      std::vector<std::string> out;
      for (const auto& e : *arr) {
        auto s = e.value_exact<std::string>();
        if (!s) return std::nullopt;
        out.push_back(*s);
      }
      return ConfigValue{out};
    }
  }
  return std::nullopt;
}

// Range and choice checks; returns an empty string when the value is acceptable.
std::string check_bounds(const ConfigKey& key, const ConfigValue& v) {
  std::ostringstream os;
  double x = 0;
  if (auto* i = std::get_if<int64_t>(&v)) x = static_cast<double>(*i);
  else if (auto* d = std::get_if<double>(&v)) x = *d;
  if (key.min && x < *key.min) os << "must be >= " << *key.min;
  else if (key.max && x > *key.max) os << "must be <= " << *key.max;
  if (auto* s = std::get_if<std::string>(&v);
      s && !key.choices.empty() && std::find(key.choices.begin(), key.choices.end(), *s) == key.choices.end()) {
    os << "must be one of";
    for (const auto& c : key.choices) os << " \"" << c << "\"";
    os << ", got \"" << *s << "\"";
  }
  return os.str();
}

void walk(const toml::table& table, const std::string& prefix, const std::string& file, const ConfigSchema& schema,
          const std::function<void(const ConfigKey&, const toml::node&)>& visit) {
  for (const auto& [k, node] : table) {
    const std::string name = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* key = schema.find(name)) {
      visit(*key, node);
      continue;
    }
    if (const auto* sub = node.as_table()) {
      bool is_section = false;
      for (const auto& [kn, _] : schema.keys()) is_section |= kn.rfind(name + ".", 0) == 0;
      if (is_section) {
        walk(*sub, name, file, schema, visit);
        continue;
      }
    }
    std::string hint = schema.closest(name);
    throw ConfigError(where(file, node.source()) + ": unknown key '" + name + "'" +
                      (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  }
}

std::string toml_literal(const ConfigValue& v) {
  std::ostringstream os;
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) os << toml::value<std::string>(x);
        else if constexpr (std::is_same_v<T, double>) {
          char buf[64];  // shortest text that reads back to the same double
          auto end = std::to_chars(buf, buf + sizeof buf, x).ptr;
          std::string t(buf, end);
          if (t.find_first_of(".eEn") == std::string::npos) t += ".0";  // keep it a TOML float
          os << t;
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          toml::array a;
          for (const auto& s : x) a.push_back(s);
          os << a;
        } else os << toml::value<T>(x);
      },
      v);
  return os.str();
}

}  // namespace

const char* to_string(ConfigType t) {
  switch (t) {
    case ConfigType::Int: return "an integer";
    case ConfigType::Float: return "a number";
    case ConfigType::Bool: return "a boolean (true/false)";
    case ConfigType::String: return "a string";
    case ConfigType::StringList: return "an array of strings";
  }
  return "?";
}

ConfigSchema& ConfigSchema::add(ConfigKey key) {
  if (key.name.find('.') == std::string::npos) throw std::logic_error("config key '" + key.name + "' needs a section");
  keys_[key.name] = std::move(key);
  return *this;
}
ConfigSchema& ConfigSchema::add_int(const std::string& n, int64_t d, const std::string& h, std::optional<double> lo,
                                    std::optional<double> hi) {
  return add({n, ConfigType::Int, d, h, lo, hi, {}});
}
ConfigSchema& ConfigSchema::add_float(const std::string& n, double d, const std::string& h, std::optional<double> lo,
                                      std::optional<double> hi) {
  return add({n, ConfigType::Float, d, h, lo, hi, {}});
}
ConfigSchema& ConfigSchema::add_bool(const std::string& n, bool d, const std::string& h) {
  return add({n, ConfigType::Bool, d, h, {}, {}, {}});
}
ConfigSchema& ConfigSchema::add_string(const std::string& n, const std::string& d, const std::string& h,
                                       std::vector<std::string> choices) {
  return add({n, ConfigType::String, d, h, {}, {}, std::move(choices)});
}
ConfigSchema& ConfigSchema::add_strings(const std::string& n, std::vector<std::string> d, const std::string& h) {
  return add({n, ConfigType::StringList, std::move(d), h, {}, {}, {}});
}

const ConfigKey* ConfigSchema::find(const std::string& name) const {
  auto it = keys_.find(name);
  return it == keys_.end() ? nullptr : &it->second;
}

std::string ConfigSchema::closest(const std::string& name) const {
  std::string best;
  size_t best_d = 4;  // only suggest near misses
  for (const auto& [k, _] : keys_) {
    size_t d = edit_distance(name, k);
    if (d < best_d) best_d = d, best = k;
  }
  return best;
}

void Config::set(const ConfigKey& key, ConfigValue v, std::string origin) {
  values_[key.name] = std::move(v);
  origins_[key.name] = std::move(origin);
}

Config Config::load(const ConfigSchema& schema, const std::string& path, const std::vector<std::string>& overrides) {
  Config cfg;
  cfg.schema_ = schema;
  for (const auto& [name, key] : schema.keys()) cfg.set(key, key.default_value, "default");

  if (!path.empty()) {
    toml::table table;
    try {
      table = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
      if (e.source().begin.line == 0)
        throw ConfigError(path + ": cannot read config file: " + std::string(e.description()));
      throw ConfigError(where(path, e.source()) + ": TOML syntax error: " + std::string(e.description()));
    }
    walk(table, "", path, schema, [&](const ConfigKey& key, const toml::node& node) {
      auto v = convert(key, node);
      if (!v)
        throw ConfigError(where(path, node.source()) + ": key '" + key.name + "' must be " + to_string(key.type) +
                          ", got " + node_type_name(node));
      if (auto bad = check_bounds(key, *v); !bad.empty())
        throw ConfigError(where(path, node.source()) + ": key '" + key.name + "' " + bad);
      cfg.set(key, std::move(*v), where(path, node.source()));
    });
  }

  for (const auto& ov : overrides) {
    auto eq = ov.find('=');
    if (eq == std::string::npos || eq == 0) throw ConfigError("--set '" + ov + "': expected section.key=value");
    const std::string name = ov.substr(0, eq), text = ov.substr(eq + 1);
    const ConfigKey* key = schema.find(name);
    if (!key) {
      std::string hint = schema.closest(name);
      throw ConfigError("--set: unknown key '" + name + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    std::optional<ConfigValue> v;
    if (key->type == ConfigType::String) {
      v = text;  // strings are taken verbatim: no quoting needed on the command line
    } else {
      try {
        auto doc = toml::parse("v = " + text);
        v = convert(*key, *doc.get("v"));
      } catch (const toml::parse_error&) {}
    }
    if (!v) throw ConfigError("--set " + name + ": value '" + text + "' is not " + to_string(key->type));
    if (auto bad = check_bounds(*key, *v); !bad.empty()) throw ConfigError("--set " + name + ": " + bad);
    cfg.set(*key, std::move(*v), "--set");
  }
  return cfg;
}

const ConfigValue& Config::value(const std::string& name, ConfigType type) const {
  const ConfigKey* key = schema_.find(name);
  if (!key) throw std::logic_error("config key '" + name + "' was not declared");
  if (key->type != type) throw std::logic_error("config key '" + name + "' is not " + to_string(type));
  return values_.at(name);
}

int64_t Config::get_int(const std::string& n) const { return std::get<int64_t>(value(n, ConfigType::Int)); }
double Config::get_float(const std::string& n) const { return std::get<double>(value(n, ConfigType::Float)); }
bool Config::get_bool(const std::string& n) const { return std::get<bool>(value(n, ConfigType::Bool)); }
const std::string& Config::get_string(const std::string& n) const {
  return std::get<std::string>(value(n, ConfigType::String));
}
const std::vector<std::string>& Config::get_strings(const std::string& n) const {
  return std::get<std::vector<std::string>>(value(n, ConfigType::StringList));
}
const std::string& Config::origin(const std::string& name) const { return origins_.at(name); }

nlohmann::json Config::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, v] : values_) {
    auto dot = name.find('.');
    auto& section = j[name.substr(0, dot)];
    std::visit([&](const auto& x) { section[name.substr(dot + 1)] = x; }, v);
  }
  return j;
}

std::string Config::to_toml() const {
  std::ostringstream os;
  std::string section;
  for (const auto& [name, v] : values_) {
    auto dot = name.find('.');
    if (name.substr(0, dot) != section) {
      section = name.substr(0, dot);
      os << (os.tellp() > 0 ? "\n" : "") << "[" << section << "]\n";
    }
    os << "# " << schema_.find(name)->help << "\n" << name.substr(dot + 1) << " = " << toml_literal(v) << "\n";
  }
  return os.str();
}

}  // namespace cf
