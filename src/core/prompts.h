// Prompt texts of every stage that talks to a model (caption, qa, eval judges): the shipped ones
// (configs/prompts/<name>.txt, embedded at build time by src/core/CMakeLists.txt) or a file named
// in the config, and {{placeholder}} filling.
#pragma once
#include <map>
#include <string>

namespace cf {

const std::map<std::string, std::string>& builtin_prompts();  // name (file stem) -> text

// `path` empty: the shipped prompt `name`; else the file's content. `key` names the config key
// in errors (ConfigError when the file cannot be read).
std::string load_prompt(const std::string& name, const std::string& path, const std::string& key);

// Replaces each {{var}} by vars.at(var); a placeholder without a value is a ConfigError naming
// it and `what` (the prompt's config key).
std::string fill_template(const std::string& tpl, const std::map<std::string, std::string>& vars,
                          const std::string& what);

}  // namespace cf
