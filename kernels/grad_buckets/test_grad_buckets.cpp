// Bucket pack/unpack and conversions against LibTorch's own add_/to(): bitwise equal (one
// rounding per element), including bf16 rounding ties, NaN (stays NaN), non-contiguous gradients, fp64;
// outputs start poisoned (unpack targets all NaN, conversions under JunkFill).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "grad_buckets.h"
#include "poison.h"

namespace k = cf::kernels;

TEST(GradBuckets, PackAddEqualsTorchAddBitwise) {
  torch::manual_seed(10);
  for (auto bt : {torch::kFloat, torch::kDouble}) {
    auto bucket = torch::randn({70000}, bt), ref = bucket.clone();
    auto g1 = torch::randn({300, 100}).to(torch::kBFloat16);
    auto g2 = torch::randn({200, 50}).t();  // non-contiguous fp32
    k::bucket_pack_add(bucket, {g1, g2}, {5, 40000});
    ref.narrow(0, 5, g1.numel()).add_(g1.reshape({-1}).to(bt));
    ref.narrow(0, 40000, g2.numel()).add_(g2.reshape({-1}).to(bt));
    EXPECT_TRUE(torch::equal(bucket, ref));
  }
  auto small = torch::zeros({10});
  EXPECT_THROW(k::bucket_pack_add(small, 5, torch::ones({6})), c10::Error);
}

TEST(GradBuckets, UnpackAndBf16RoundingMatchLibTorch) {
  torch::manual_seed(11);
  auto x = torch::randn({100001}) * 1e3;
  x[0] = std::numeric_limits<float>::quiet_NaN();
  x[1] = 1.00390625f;  // exactly halfway between two bf16 values: ties to even
  x[2] = 1.01171875f;
  x[3] = -0.0f;
  x[4] = std::numeric_limits<float>::infinity();
  k::test::JunkFill junk;  // the tensors convert() allocates start as junk
  auto b = k::convert(x, torch::kBFloat16), ref = x.to(torch::kBFloat16);
  // NaN stays NaN (payload differs: LibTorch's vectorized path gives 0xFFFF, c10::BFloat16 and we
  // 0x7FC0); every other bit pattern is equal.
  EXPECT_TRUE(std::isnan(b[0].item<float>()));
  EXPECT_TRUE(torch::equal(b.slice(0, 1).view(torch::kShort), ref.slice(0, 1).view(torch::kShort)));
  EXPECT_TRUE(torch::equal(k::convert(ref, torch::kFloat).view(torch::kInt), ref.to(torch::kFloat).view(torch::kInt)));
  auto shard = torch::randn({1000}), shard_ref = shard.clone();
  k::bucket_unpack(x, 500, shard, /*accumulate=*/true);
  shard_ref.add_(x.narrow(0, 500, 1000));
  EXPECT_TRUE(torch::equal(shard, shard_ref));
  auto out = k::test::poisoned(1000, torch::kBFloat16);
  k::bucket_unpack(x, 500, out, false);
  EXPECT_TRUE(torch::equal(out, x.narrow(0, 500, 1000).to(torch::kBFloat16)));
  for (auto dt : {torch::kFloat, torch::kDouble}) {  // fp32 -> fp32 / fp64 unpack into NaN buffers
    auto o = k::test::poisoned(1001, dt);
    k::bucket_unpack(x, 7, o, false);
    EXPECT_TRUE(torch::equal(o.slice(0, 1), x.narrow(0, 7, 1001).to(dt).slice(0, 1)));
  }
  auto xs = x.slice(0, 1);  // fp32 <-> fp64 and bf16 -> fp64, bitwise equal to LibTorch's
  auto xd = k::convert(xs, torch::kDouble);
  EXPECT_TRUE(torch::equal(xd, xs.to(torch::kDouble)));
  EXPECT_TRUE(torch::equal(k::convert(xd, torch::kFloat), xs));
  EXPECT_TRUE(
      torch::equal(k::convert(ref.slice(0, 1), torch::kDouble), ref.slice(0, 1).to(torch::kDouble)));  // bf16 -> fp64
  EXPECT_THROW(k::bucket_unpack(x, 500, out, true), c10::Error);  // no accumulation into bf16
}
