#include <cuda_runtime.h>

#include <string>

#include "device.h"

namespace cf::kernels {

CudaInfo cuda_info() {
  CudaInfo info;
  info.built = true;
  cudaRuntimeGetVersion(&info.runtime_version);
  cudaDriverGetVersion(&info.driver_version);
  cudaError_t err = cudaGetDeviceCount(&info.device_count);
  if (err != cudaSuccess) {
    info.device_count = 0;
    info.error = cudaGetErrorString(err);
  }
  return info;
}

}  // namespace cf::kernels
