#include "job/output_guard.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fs = std::filesystem;

namespace cf {

void check_output_dir(const std::string& stage, const std::string& input, const std::string& output) {
  if (output.empty()) throw ConfigError("io.output is empty: set it to a directory");
  std::error_code ec;
  if (!input.empty() && fs::exists(input, ec) && fs::weakly_canonical(input, ec) == fs::weakly_canonical(output, ec))
    throw ConfigError("io.output '" + output + "' is the input directory; choose another one");
  if (!fs::exists(output, ec)) return;
  if (!fs::is_directory(output, ec)) throw ConfigError("io.output '" + output + "' exists and is not a directory");
  const fs::path marker = fs::path(output) / kStageMarker;
  if (fs::exists(marker, ec)) {
    std::string owner;
    try {
      std::ifstream in(marker);
      owner = nlohmann::json::parse(in).at("stage").get<std::string>();
    } catch (const std::exception& e) {
      throw ConfigError("io.output '" + output + "': unreadable marker " + marker.string() + ": " + e.what());
    }
    if (owner != stage)
      throw ConfigError("io.output '" + output + "' holds the output of stage '" + owner +
                        "'; refusing to write stage '" + stage + "' there");
    return;
  }
  if (fs::directory_iterator(output, ec) != fs::directory_iterator())
    throw ConfigError("io.output '" + output +
                      "' is not empty and was not written by cornerforge; refusing to write there");
}

int claim_delay_ms() {
  const char* v = std::getenv("CF_DEBUG_CLAIM_DELAY_MS");
  return v ? std::max(0, std::atoi(v)) : 0;
}

void claim_output_dir(const std::string& stage, const Config& cfg) {
  const fs::path out = cfg.get_string("io.output");
  fs::create_directories(out);
  const fs::path marker = out / kStageMarker;
  if (!fs::exists(marker)) {
    std::ofstream m(marker.string() + ".tmp");
    m << nlohmann::json{{"stage", stage}, {"format", "cornerforge-1"}}.dump() << "\n";
    m.close();
    if (const int ms = claim_delay_ms()) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    fs::rename(marker.string() + ".tmp", marker);
  }
  std::ofstream c(out / "config.toml");
  c << "# Effective configuration of the last cf-" << stage << " run\n" << cfg.to_toml();
}

}  // namespace cf
