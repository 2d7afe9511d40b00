// model/device: run.device resolved for a rank (auto/cpu/cuda, GPU count, node-local rank),
// without a GPU.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "model/device.h"

namespace {

using ::testing::HasSubstr;

std::string error_of(const std::string& setting, int64_t gpus, int local_rank, int local_size) {
  try {
    cf::resolve_device(setting, gpus, local_rank, local_size);
  } catch (const cf::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ModelDevice, AutoIsTheCpuWithoutAGpuAndTheLocalRanksGpuWithOne) {
  EXPECT_TRUE(cf::resolve_device("auto", 0, 0, 2).is_cpu());
  EXPECT_TRUE(cf::resolve_device("cpu", 8, 3, 8).is_cpu());
  const auto d = cf::resolve_device("auto", 4, 3, 4);
  EXPECT_TRUE(d.is_cuda());
  EXPECT_EQ(d.index(), 3);
  EXPECT_EQ(cf::resolve_device("cuda", 8, 5, 8).index(), 5);
}

TEST(ModelDevice, CudaWithoutGpuOrTooManyRanksIsAConfigErrorNamingTheSetting) {
  EXPECT_THAT(error_of("cuda", 0, 0, 1), HasSubstr("run.device = 'cuda' but LibTorch sees no CUDA device"));
  EXPECT_THAT(error_of("cuda", 2, 0, 4), HasSubstr("run.device = 'cuda': 4 ranks on this node but 2 GPU(s) visible"));
  EXPECT_THAT(error_of("auto", 2, 0, 4), HasSubstr("run.device = 'auto': 4 ranks on this node"));
  EXPECT_THAT(error_of("tpu", 2, 0, 1), HasSubstr("expected auto, cpu or cuda"));
}

TEST(ModelDevice, TheJobsRefuseCudaUntilTheirCudaStepLands) {
  EXPECT_NO_THROW(cf::cpu_until_cuda_path(torch::Device(torch::kCPU), "cpu", "cf-train"));
  EXPECT_NO_THROW(cf::cpu_until_cuda_path(torch::Device(torch::kCUDA, 1), "auto", "cf-train"));  // warns
  try {
    cf::cpu_until_cuda_path(torch::Device(torch::kCUDA, 1), "cuda", "cf-train");
    FAIL() << "no error";
  } catch (const cf::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("run.device chose cuda:1, but cf-train does not run on CUDA yet"));
  }
}

}  // namespace
