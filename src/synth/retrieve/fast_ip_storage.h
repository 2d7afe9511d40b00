// Vectorized inner-product storage for the FAISS HNSW database.
// Debian's FAISS 1.7.3 is built for baseline x86-64 (no SSE3), where fvec_inner_product is its
// scalar reference loop: one multiply-add per cycle, ~21% of cf-retrieve's CPU. FastIPStorage is
// an IndexFlatIP whose distance computer uses dot8 instead; the HNSW graph code is FAISS's.
// The index files are unchanged: write_index/read_index see a plain IndexFlatIP.
#pragma once
#include <cstddef>

namespace faiss {
struct Index;
}

namespace cf::retrieve {

// x . y over d floats with 8 lane accumulators (lane j sums elements i = j mod 8, lanes added in a
// fixed tree, then the tail): the same bits on every ISA; an AVX2 clone is picked at run time.
float dot8(const float* x, const float* y, size_t d);

// If `index` is an HNSW index over an owned flat inner-product storage, moves that storage's
// vectors into a FastIPStorage (search and add then use dot8). Any other index: no change.
void use_fast_inner_product(faiss::Index* index);

}  // namespace cf::retrieve
