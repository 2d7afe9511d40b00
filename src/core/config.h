// Typed TOML configuration with a declared schema.
//
// A stage declares every key it reads (type, default, help, optional range or choices).
// Loading a file rejects unknown and mistyped keys with "FILE:LINE: ..." messages;
// `--set section.key=value` overrides are parsed with the declared type.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace cf {

using ConfigValue = std::variant<int64_t, double, bool, std::string, std::vector<std::string>>;

enum class ConfigType { Int, Float, Bool, String, StringList };
const char* to_string(ConfigType t);

struct ConfigKey {
  std::string name;  // "section.key"
  ConfigType type;
  ConfigValue default_value;
  std::string help;
  std::optional<double> min, max;    // numbers only
  std::vector<std::string> choices;  // strings only; empty = any
};

class ConfigSchema {
 public:
  ConfigSchema& add_int(const std::string& name, int64_t def, const std::string& help,
                        std::optional<double> min = std::nullopt, std::optional<double> max = std::nullopt);
  ConfigSchema& add_float(const std::string& name, double def, const std::string& help,
                          std::optional<double> min = std::nullopt, std::optional<double> max = std::nullopt);
  ConfigSchema& add_bool(const std::string& name, bool def, const std::string& help);
  ConfigSchema& add_string(const std::string& name, const std::string& def, const std::string& help,
                           std::vector<std::string> choices = {});
  ConfigSchema& add_strings(const std::string& name, std::vector<std::string> def, const std::string& help);

  const ConfigKey* find(const std::string& name) const;
  const std::map<std::string, ConfigKey>& keys() const { return keys_; }
  std::string closest(const std::string& name) const;  // for "did you mean" hints

 private:
  ConfigSchema& add(ConfigKey key);
  std::map<std::string, ConfigKey> keys_;
};

class Config {
 public:
  // Defaults, then `path` (if not empty), then each "section.key=value" of `overrides`.
  static Config load(const ConfigSchema& schema, const std::string& path, const std::vector<std::string>& overrides);

  int64_t get_int(const std::string& name) const;
  double get_float(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  const std::string& get_string(const std::string& name) const;
  const std::vector<std::string>& get_strings(const std::string& name) const;

  // Where a value came from: "default", "FILE:LINE" or "--set".
  const std::string& origin(const std::string& name) const;
  nlohmann::json to_json() const;  // effective configuration, for provenance
  std::string to_toml() const;     // effective configuration as a TOML document

 private:
  const ConfigValue& value(const std::string& name, ConfigType type) const;
  void set(const ConfigKey& key, ConfigValue v, std::string origin);

  ConfigSchema schema_;
  std::map<std::string, ConfigValue> values_;
  std::map<std::string, std::string> origins_;
};

}  // namespace cf
