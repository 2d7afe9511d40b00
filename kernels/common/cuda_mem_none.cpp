// Build without CUDA: every device helper throws, versions are 0.
#include <stdexcept>

#include "cuda_mem.h"

namespace cf::kernels {
namespace {
[[noreturn]] void no_cuda() { throw std::runtime_error("this build has no CUDA (no nvcc at configure time)"); }
}  // namespace

void* cuda_malloc(size_t) { no_cuda(); }
void cuda_free(void*) {}
void cuda_to_device(void*, const void*, size_t) { no_cuda(); }
void cuda_to_host(void*, const void*, size_t) { no_cuda(); }
void cuda_memset(void*, int, size_t) { no_cuda(); }
void cuda_sync() { no_cuda(); }
float cuda_elapsed_ms(void (*)(void*), void*) { no_cuda(); }
int cudnn_version() { return 0; }
int nccl_version() { return 0; }
std::string library_versions() { return "cuDNN and NCCL: not built (no CUDA)"; }

}  // namespace cf::kernels
