#include "core/prompts.h"

#include <fstream>
#include <sstream>

#include "core/error.h"

namespace cf {

std::string load_prompt(const std::string& name, const std::string& path, const std::string& key) {
  if (path.empty()) {
    auto it = builtin_prompts().find(name);
    if (it == builtin_prompts().end()) throw ConfigError(key + ": no shipped prompt '" + name + "'");
    return it->second;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(key + ": cannot read prompt file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string fill_template(const std::string& tpl, const std::map<std::string, std::string>& vars,
                          const std::string& what) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t a = tpl.find("{{", pos);
    if (a == std::string::npos) break;
    size_t b = tpl.find("}}", a + 2);
    if (b == std::string::npos) break;
    const std::string name = tpl.substr(a + 2, b - a - 2);
    auto it = vars.find(name);
    if (it == vars.end()) throw ConfigError(what + ": unknown placeholder {{" + name + "}} in the prompt");
    out += tpl.substr(pos, a - pos) + it->second;
    pos = b + 2;
  }
  return out + tpl.substr(pos);
}

}  // namespace cf
