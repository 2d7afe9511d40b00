// The visual-text database of cf-build-db: a FAISS index over L2-normalized vectors (inner
// product = cosine similarity) saved beside its labels.
//   <dir>/index.faiss   faiss::write_index; IndexFlatIP below flat_max vectors, else IndexHNSWFlat
//   <dir>/labels.jsonl  one {"id", "label", "source"} per vector, in index order
//   <dir>/meta.json     {backend, module, module_sha256, dim, count, index_type, content_hash, ...}
// meta.json is written last (each file via tmp + rename): a directory with it is complete.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace faiss {
struct Index;
}

namespace cf::retrieve {

struct DbEntry {
  std::string label;
  std::string source;  // where the exemplar came from (image#object, file:line)
};

struct DbBuildOptions {
  int64_t flat_max = 10000;  // below this many vectors: exact IndexFlatIP
  int hnsw_m = 32;           // HNSW graph degree
  int hnsw_ef_construction = 80;
  int threads = 1;  // threads adding to HNSW (1 = byte-identical files on re-runs)
};

// "flat" or "hnsw" for `count` vectors.
std::string choose_index_type(int64_t count, int64_t flat_max);
// The in-memory FAISS index VectorDb::build saves (n x dim vectors, type by choose_index_type).
std::unique_ptr<faiss::Index> make_index(const float* vectors, int64_t n, int dim, const DbBuildOptions& options);

struct Neighbor {
  int64_t id = -1;
  float score = 0;  // inner product of normalized vectors (cosine similarity)
};

class VectorDb {
 public:
  // Builds the index over `vectors` (count x dim, row-major, normalized) and writes the three
  // files into `dir`. `meta` gets dim, count, index_type and content_hash added.
  static void build(const std::string& dir, const std::vector<float>& vectors, int dim,
                    const std::vector<DbEntry>& entries, nlohmann::json meta, const DbBuildOptions& options);
  // Throws cf::ConfigError naming the file when a part is missing, unreadable or inconsistent.
  // ef_search: HNSW search beam width (set on the index: FAISS 1.7.3 ignores per-call params).
  static VectorDb load(const std::string& dir, int ef_search = 64);

  VectorDb(VectorDb&&) noexcept;
  VectorDb& operator=(VectorDb&&) noexcept;
  ~VectorDb();

  // k nearest neighbours of each of the n query rows (n x dim); fewer when the index is small.
  // Thread-safe.
  std::vector<std::vector<Neighbor>> search(const std::vector<float>& queries, int64_t k) const;

  int dim() const { return dim_; }
  int64_t size() const { return static_cast<int64_t>(entries_.size()); }
  const std::vector<DbEntry>& entries() const { return entries_; }
  const nlohmann::json& meta() const { return meta_; }

 private:
  VectorDb() = default;
  std::unique_ptr<faiss::Index> index_;
  std::vector<DbEntry> entries_;
  nlohmann::json meta_;
  int dim_ = 0;
};

}  // namespace cf::retrieve
