// CUDA side of cuda_mem.h (nvcc).
#include <cuda_runtime.h>
#include <cudnn_version.h>
#include <nccl.h>

#include <stdexcept>
#include <string>

#include "cuda_mem.h"

extern "C" size_t cudnnGetVersion(void);

namespace cf::kernels {
namespace {
void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string("CUDA ") + what + ": " + cudaGetErrorString(e));
}
std::string ver3(int major, int minor, int patch) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}
}  // namespace

void* cuda_malloc(size_t bytes) {
  void* p = nullptr;
  check(cudaMalloc(&p, bytes == 0 ? 1 : bytes), "cudaMalloc");
  return p;
}
void cuda_free(void* p) { cudaFree(p); }
void cuda_to_device(void* dst, const void* src, size_t bytes) {
  check(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice), "copy to device");
}
void cuda_to_host(void* dst, const void* src, size_t bytes) {
  check(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost), "copy to host");
}
void cuda_memset(void* p, int value, size_t bytes) { check(cudaMemset(p, value, bytes), "cudaMemset"); }
void cuda_sync() {
  check(cudaGetLastError(), "kernel launch");
  check(cudaDeviceSynchronize(), "kernel execution");
}

float cuda_elapsed_ms(void (*fn)(void*), void* arg) {
  cudaEvent_t a, b;
  check(cudaEventCreate(&a), "cudaEventCreate");
  check(cudaEventCreate(&b), "cudaEventCreate");
  cudaEventRecord(a, 0);
  fn(arg);
  cudaEventRecord(b, 0);
  cuda_sync();
  float ms = 0;
  cudaEventElapsedTime(&ms, a, b);
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  return ms;
}

int cudnn_version() { return static_cast<int>(cudnnGetVersion()); }
int nccl_version() {
  int v = 0;
  return ncclGetVersion(&v) == ncclSuccess ? v : 0;
}

std::string library_versions() {
  const int c = cudnn_version(), n = nccl_version();
  // cuDNN 9: major*10000 + minor*100 + patch; NCCL >= 2.9: major*10000 + minor*100 + patch.
  return "cuDNN " + ver3(c / 10000, c / 100 % 100, c % 100) + " (headers " +
         ver3(CUDNN_MAJOR, CUDNN_MINOR, CUDNN_PATCHLEVEL) + "), NCCL " + ver3(n / 10000, n / 100 % 100, n % 100);
}

}  // namespace cf::kernels
