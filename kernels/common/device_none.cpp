// Build without CUDA: report that plainly.
#include "device.h"

namespace cf::kernels {

CudaInfo cuda_info() {
  CudaInfo info;
  info.error = "built without CUDA (no nvcc found at configure time, or -DCF_CUDA=OFF)";
  return info;
}

}  // namespace cf::kernels
