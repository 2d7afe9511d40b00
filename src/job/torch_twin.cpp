#include "job/torch_twin.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/config.h"
#include "core/error.h"

namespace cf {

void exec_torch_twin_if_needed(const TorchTwin& twin, const ConfigSchema& schema, const std::string& config_path,
                               const std::vector<std::string>& overrides, char** argv) {
  if (!twin.needs_torch) return;
  try {
    if (!twin.needs_torch(Config::load(schema, config_path, overrides))) return;
  } catch (const ConfigError&) {
    return;  // reported by the normal start-up path, with the rank that reports it
  }
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::string path = (ec ? std::filesystem::path(argv[0]) : self).parent_path() / twin.executable;
  execv(path.c_str(), argv);  // returns only on failure
  std::fprintf(stderr, "%s: this backend needs LibTorch, but its build '%s' cannot be run: %s\n", argv[0], path.c_str(),
               std::strerror(errno));
  std::exit(2);
}

}  // namespace cf
