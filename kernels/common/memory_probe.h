// Peak CPU memory allocated through LibTorch's allocator while a MemoryProbe is alive, on this
// thread (the same hook the autograd profiler uses: c10::MemoryReportingInfoBase). Frees of
// blocks allocated before the probe started are not counted. Allocations made inside
// at::parallel_for worker threads are not seen; kernels/ allocates on the calling thread only.
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>

#include <c10/core/Allocator.h>
#include <c10/util/ThreadLocalDebugInfo.h>

namespace cf::kernels {

class MemoryProbe {
 public:
  MemoryProbe() : info_(std::make_shared<Info>()), guard_(c10::DebugInfoKind::PROFILER_STATE, info_) {}
  int64_t peak_bytes() const { return info_->peak; }  // max over time of (allocated - freed)
  int64_t current_bytes() const { return info_->current; }

 private:
  struct Info : c10::MemoryReportingInfoBase {
    int64_t current = 0, peak = 0;
    void reportMemoryUsage(void*, int64_t alloc_size, int64_t, int64_t, c10::Device device) override {
      if (device.type() != c10::DeviceType::CPU) return;
      current += alloc_size;
      peak = std::max(peak, current);
    }
    bool memoryProfilingEnabled() const override { return true; }
  };
  std::shared_ptr<Info> info_;
  c10::DebugInfoGuard guard_;
};

}  // namespace cf::kernels
