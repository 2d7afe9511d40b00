// JSONL metrics sink: one JSON object per line, flushed per record, so a killed job keeps
// everything it logged. Plotting tools read the file directly.
#pragma once
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

namespace cf {

class MetricsSink {
 public:
  MetricsSink() = default;                        // disabled sink: write() does nothing
  explicit MetricsSink(const std::string& path);  // appends; creates parent directories
  bool enabled() const { return out_.is_open(); }
  // Adds "time" (UNIX seconds) unless present, then writes one line.
  void write(nlohmann::json record);

 private:
  std::ofstream out_;
};

}  // namespace cf
