// Bucket pack (bf16 gradients added into an fp32 bucket) and bf16 <-> fp32 conversion vs. the
// LibTorch composition bucket.narrow(..).add_(g.to(float)).
#include <torch/torch.h>

#include "bench_util.h"
#include "grad_buckets.h"

using namespace cf::kernels;

int main() {
  torch::manual_seed(0);
  bench::header();
  const int64_t n = int64_t{1} << 25;
  auto bucket = torch::zeros({n});
  std::vector<torch::Tensor> grads;
  std::vector<int64_t> offsets;
  for (int64_t off = 0; off < n; off += n / 16) {
    grads.push_back(torch::randn({n / 16}).to(torch::kBFloat16));
    offsets.push_back(off);
  }
  const std::string c = "32M bf16 -> fp32, 16 tensors";
  bench::row("grad_buckets", c, "naive add_(g.to(float))", bench::measure([&] {
               for (size_t i = 0; i < grads.size(); ++i)
                 bucket.narrow(0, offsets[i], grads[i].numel()).add_(grads[i].to(torch::kFloat));
             }));
  bench::row("grad_buckets", c, "fused pack_add", bench::measure([&] { bucket_pack_add(bucket, grads, offsets); }));
  auto f = torch::randn({n});
  bench::row("grad_buckets", "32M fp32 -> bf16", "naive .to(bf16)", bench::measure([&] { f.to(torch::kBFloat16); }));
  bench::row("grad_buckets", "32M fp32 -> bf16", "fused convert",
             bench::measure([&] { convert(f, torch::kBFloat16); }));
}
