// Minimal CUDA memory and library-version helpers for cf-selftest --gpu and the CUDA twins'
// tests: device buffers, host<->device copies, synchronisation. In a build without CUDA every
// call throws std::runtime_error saying so.
#pragma once
#include <cstddef>
#include <string>

namespace cf::kernels {

void* cuda_malloc(size_t bytes);
void cuda_free(void* p);
void cuda_to_device(void* dst, const void* src, size_t bytes);
void cuda_to_host(void* dst, const void* src, size_t bytes);
void cuda_memset(void* p, int value, size_t bytes);
void cuda_sync();  // cudaDeviceSynchronize + error check (names the failing kernel's error)
float cuda_elapsed_ms(void (*fn)(void*), void* arg);  // times fn on the default stream with events

int cudnn_version();             // cudnnGetVersion(), 0 without CUDA
int nccl_version();              // ncclGetVersion(), 0 without CUDA
std::string library_versions();  // "cuDNN 9.19.0, NCCL 2.28.9" (or why not)

// RAII device buffer.
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t bytes) : p_(cuda_malloc(bytes)), bytes_(bytes) {}
  ~DeviceBuffer() { cuda_free(p_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  void* get() const { return p_; }
  template <class T>
  T* as() const {
    return static_cast<T*>(p_);
  }
  size_t bytes() const { return bytes_; }

 private:
  void* p_;
  size_t bytes_;
};

}  // namespace cf::kernels
