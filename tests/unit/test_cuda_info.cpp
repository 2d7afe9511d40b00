#include <gtest/gtest.h>

#include "device.h"

TEST(CudaInfo, ReportIsConsistentWithTheBuild) {
  auto info = cf::kernels::cuda_info();
  const std::string line = cf::kernels::describe(info);
#ifdef CF_HAVE_CUDA
  EXPECT_TRUE(info.built);
  EXPECT_GE(info.runtime_version, 11000) << line;  // sm_80/sm_90 builds need CUDA 11+
  EXPECT_NE(line.find("CUDA runtime"), std::string::npos);
  if (info.device_count == 0) {
    EXPECT_FALSE(info.error.empty()) << "no device and no reason";
  }
#else
  EXPECT_FALSE(info.built);
  EXPECT_NE(line.find("built without CUDA"), std::string::npos);
#endif
  std::cout << line << "\n";
}
