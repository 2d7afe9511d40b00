#include "synth/retrieve/fast_ip_storage.h"

#include <cstring>
#include <memory>

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/impl/DistanceComputer.h>

namespace cf::retrieve {
namespace {

using Lanes = float __attribute__((vector_size(32)));  // 8 floats: one AVX register, two SSE

struct FastIPDistance final : faiss::FlatCodesDistanceComputer {
  explicit FastIPDistance(const faiss::IndexFlat& s)
      : FlatCodesDistanceComputer(s.codes.data(), s.code_size), xb(s.get_xb()), d(s.d) {}
  void set_query(const float* x) override { q = x; }
  float distance_to_code(const uint8_t* code) override { return dot8(q, reinterpret_cast<const float*>(code), d); }
  float symmetric_dis(idx_t i, idx_t j) override { return dot8(xb + i * d, xb + j * d, d); }

  const float* xb;
  size_t d;
  const float* q = nullptr;
};

struct FastIPStorage final : faiss::IndexFlatIP {
  explicit FastIPStorage(idx_t dim) : IndexFlatIP(dim) {}
  faiss::FlatCodesDistanceComputer* get_FlatCodesDistanceComputer() const override { return new FastIPDistance(*this); }
};

}  // namespace

// No FMA in either clone ("avx2" does not enable it): products are rounded before the add, as in
// the default build, so both clones give the same bits.
__attribute__((target_clones("avx2", "default"))) float dot8(const float* x, const float* y, size_t d) {
  Lanes acc = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    Lanes a, b;
    std::memcpy(&a, x + i, sizeof a);
    std::memcpy(&b, y + i, sizeof b);
    acc += a * b;
  }
  float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
  for (; i < d; ++i) s += x[i] * y[i];
  return s;
}

void use_fast_inner_product(faiss::Index* index) {
  auto* h = dynamic_cast<faiss::IndexHNSW*>(index);
  if (!h || !h->own_fields) return;
  auto* flat = dynamic_cast<faiss::IndexFlat*>(h->storage);
  if (!flat || dynamic_cast<FastIPStorage*>(flat) || flat->metric_type != faiss::METRIC_INNER_PRODUCT) return;
  auto fast = std::make_unique<FastIPStorage>(flat->d);
  fast->codes = std::move(flat->codes);
  fast->ntotal = flat->ntotal;
  delete flat;
  h->storage = fast.release();
}

}  // namespace cf::retrieve
