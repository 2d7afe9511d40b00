#include "device.h"

namespace cf::kernels {

std::string describe(const CudaInfo& i) {
  auto ver = [](int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); };
  if (!i.built) return "CUDA: " + i.error;
  std::string s = "CUDA runtime " + ver(i.runtime_version) + ", driver " +
                  (i.driver_version ? ver(i.driver_version) : std::string("none")) + ", " +
                  std::to_string(i.device_count) + " device(s)";
  return i.error.empty() ? s : s + " (" + i.error + ")";
}

}  // namespace cf::kernels
