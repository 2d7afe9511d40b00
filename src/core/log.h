// Logging: spdlog to stderr with the MPI rank in every line (stdout carries the summary JSON).
#pragma once
#include <string>

#include <spdlog/spdlog.h>

namespace cf {

// level: "trace", "debug", "info", "warn", "error". Call once per process, after MPI init.
void init_logging(int rank, int world, const std::string& level = "info");

}  // namespace cf
