#include "core/metrics.h"

#include <chrono>
#include <filesystem>

#include "core/error.h"

namespace cf {

MetricsSink::MetricsSink(const std::string& path) {
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  out_.open(path, std::ios::app);
  if (!out_) throw Error("cannot open metrics file '" + path + "' for appending");
}

void MetricsSink::write(nlohmann::json record) {
  if (!enabled()) return;
  if (!record.contains("time")) {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    record["time"] = std::chrono::duration<double>(now).count();
  }
  out_ << record.dump() << '\n';
  out_.flush();
}

}  // namespace cf
