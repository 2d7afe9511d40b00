#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include "core/error.h"

namespace cf {

void init_logging(int rank, int world, const std::string& level) {
  auto logger = spdlog::stderr_color_mt("cf-" + std::to_string(rank));
  logger->set_pattern("[%H:%M:%S.%e] [rank " + std::to_string(rank) + "/" + std::to_string(world) + "] [%^%l%$] %v");
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off")
    throw ConfigError("log level '" + level + "' is not one of trace, debug, info, warn, error");
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

}  // namespace cf
