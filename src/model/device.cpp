#include "model/device.h"

#include <spdlog/spdlog.h>

#include "core/error.h"

namespace cf {

torch::Device resolve_device(const std::string& setting, int64_t gpus, int local_rank, int local_size) {
  if (setting == "cpu" || (setting == "auto" && gpus == 0)) return torch::Device(torch::kCPU);
  if (setting != "auto" && setting != "cuda")
    throw ConfigError("run.device = '" + setting + "': expected auto, cpu or cuda");
  if (gpus == 0)
    throw ConfigError(
        "run.device = 'cuda' but LibTorch sees no CUDA device (a CPU-only LibTorch, or no GPU visible: "
        "check CUDA_VISIBLE_DEVICES); use run.device = 'cpu' or 'auto'");
  if (local_size > gpus)
    throw ConfigError("run.device = '" + setting + "': " + std::to_string(local_size) + " ranks on this node but " +
                      std::to_string(gpus) + " GPU(s) visible; run one rank per GPU");
  return torch::Device(torch::kCUDA, static_cast<torch::DeviceIndex>(local_rank));
}

torch::Device job_device(const Config& config, int local_rank, int local_size) {
  const int64_t gpus = torch::cuda::is_available() ? static_cast<int64_t>(torch::cuda::device_count()) : 0;
  return resolve_device(config.get_string("run.device"), gpus, local_rank, local_size);
}

void cpu_until_cuda_path(const torch::Device& device, const std::string& setting, const std::string& job) {
  if (device.is_cpu()) return;
  if (setting == "auto") {
    spdlog::warn("run.device = 'auto' found {}, but {} does not run on CUDA yet (issue 15): using the CPU",
                 device.str(), job);
    return;
  }
  throw ConfigError("run.device chose " + device.str() + ", but " + job +
                    " does not run on CUDA yet (the device-resident step is issue 15); set run.device = 'cpu'");
}

}  // namespace cf
