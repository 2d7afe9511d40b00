// CUDA twin of the fused AdamW: grid-stride elementwise loop, constants computed on the host
// exactly as for the CPU twin (adamw_consts). sqrtf and IEEE division (no fast-math), so each
// element matches the CPU twin except where nvcc contracts a*b+c into an FMA.
#include "adamw_raw.h"
#include "cuda_util.cuh"

namespace cf::kernels {
namespace {

__global__ void adamw_kernel(float* p, float* m, float* v, const float* g, const uint8_t* decay, int64_t n,
                             AdamWConsts k, float scale, uint16_t* out) {
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const float gi = g[i] * scale;
    const float mi = k.b1 * m[i] + (1.0f - k.b1) * gi;
    const float vi = k.b2 * v[i] + (1.0f - k.b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const float upd = (mi * k.c1) / (sqrtf(vi * k.c2) + k.eps);
    const float d = decay ? k.wd * p[i] * static_cast<float>(decay[i]) : k.wd * p[i];
    const float pi = p[i] - k.lr * upd - d;
    p[i] = pi;
    if (out) out[i] = cuda::f32_to_bf16(pi);
  }
}

}  // namespace

void adamw_cuda(float* p, float* m, float* v, const float* g, const uint8_t* decay, int64_t n, const AdamWHyper& h,
                int64_t step, float grad_scale, uint16_t* bf16_out, void* stream) {
  if (n == 0) return;
  const unsigned blocks = static_cast<unsigned>(std::min<int64_t>((n + cuda::kBlock - 1) / cuda::kBlock, 4096));
  adamw_kernel<<<blocks, cuda::kBlock, 0, static_cast<cudaStream_t>(stream)>>>(
      p, m, v, g, decay, n, adamw_consts(h, step), grad_scale, bf16_out);
  cuda::check_launch("adamw_cuda");
}

}  // namespace cf::kernels
