// What the CUDA side of kernels/ was built with and can see at run time. cf-selftest --gpu
// prints this first; on a machine without a GPU (or a build without CUDA) it says so plainly.
#pragma once
#include <string>

namespace cf::kernels {

struct CudaInfo {
  bool built = false;       // compiled with nvcc (CF_HAVE_CUDA)
  int runtime_version = 0;  // e.g. 13000 for CUDA 13.0
  int driver_version = 0;   // 0 when no driver is installed
  int device_count = 0;
  std::string error;  // why no device is usable, if none is
};

CudaInfo cuda_info();
std::string describe(const CudaInfo& info);  // one line for logs and selftest tables

}  // namespace cf::kernels
