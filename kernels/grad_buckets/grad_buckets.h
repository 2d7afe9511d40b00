// Gradient bucket pack/unpack for ZeRO-2's reduce-scatter, and bf16 <-> fp32 conversion, in one
// pass per tensor (no temporary converted copy). Dispatches on the bucket's device.
#pragma once
#include <vector>

#include <torch/torch.h>

namespace cf::kernels {

// bucket[offset : offset + grad.numel()] += grad (flattened). bucket fp32 or fp64 (contiguous),
// grad fp32 or bf16 (any layout; made contiguous if needed).
void bucket_pack_add(torch::Tensor& bucket, int64_t offset, const torch::Tensor& grad);
// Every gradient at its offset (offsets[i] in elements).
void bucket_pack_add(torch::Tensor& bucket, const std::vector<torch::Tensor>& grads,
                     const std::vector<int64_t>& offsets);
// out (contiguous, any of fp32/bf16/fp64) = or += bucket[offset : offset + out.numel()].
void bucket_unpack(const torch::Tensor& bucket, int64_t offset, torch::Tensor& out, bool accumulate);
// Elementwise dtype conversion (fp32 <-> bf16 <-> fp64) into a new contiguous tensor.
torch::Tensor convert(const torch::Tensor& src, torch::ScalarType to);

}  // namespace cf::kernels
