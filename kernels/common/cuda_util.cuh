// Device helpers shared by the .cu files of kernels/: bf16 <-> fp32 (round to nearest even,
// like c10::BFloat16 and the CPU twins), loads/stores by element type, deterministic block
// reductions (fixed tree order for a fixed blockDim), launch error checks.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace cf::kernels::cuda {

constexpr int kBlock = 256;

__device__ __forceinline__ float bf16_to_f32(uint16_t h) { return __uint_as_float(static_cast<uint32_t>(h) << 16); }
__device__ __forceinline__ uint16_t f32_to_bf16(float f) {
  const uint32_t u = __float_as_uint(f);
  if (f != f) return 0x7FC0;
  return static_cast<uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}
__device__ __forceinline__ float load(const float* p, int64_t j) { return p[j]; }
__device__ __forceinline__ float load(const uint16_t* p, int64_t j) { return bf16_to_f32(p[j]); }
__device__ __forceinline__ void store(float* p, int64_t j, float v) { p[j] = v; }
__device__ __forceinline__ void store(uint16_t* p, int64_t j, float v) { p[j] = f32_to_bf16(v); }

// Sum over the block of v (every thread gets the result). Fixed order: deterministic.
template <class T>
__device__ T block_sum(T v, T* shared) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) shared[threadIdx.x] += shared[threadIdx.x + s];
    __syncthreads();
  }
  T r = shared[0];
  __syncthreads();
  return r;
}

inline void check_launch(const char* what) {
  const cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
}

inline unsigned grid_for(int64_t n, int64_t per_block = kBlock) {
  const int64_t g = (n + per_block - 1) / per_block;
  return static_cast<unsigned>(g < 1 ? 1 : (g > 65535 * 32 ? 65535 * 32 : g));
}

}  // namespace cf::kernels::cuda
