#include "synth/retrieve/vector_db.h"

#include <omp.h>

#include <filesystem>
#include <fstream>

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/index_io.h>

#include "core/error.h"
#include "core/hash.h"
#include "synth/retrieve/fast_ip_storage.h"

namespace fs = std::filesystem;

namespace cf::retrieve {
namespace {

void write_text(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) throw Error("cannot write '" + tmp.string() + "'");
  }
  fs::rename(tmp, path);
}

}  // namespace

std::string choose_index_type(int64_t count, int64_t flat_max) { return count < flat_max ? "flat" : "hnsw"; }

std::unique_ptr<faiss::Index> make_index(const float* vectors, int64_t n, int dim, const DbBuildOptions& options) {
  std::unique_ptr<faiss::Index> index;
  if (choose_index_type(n, options.flat_max) == "flat") {
    index = std::make_unique<faiss::IndexFlatIP>(dim);
  } else {
    auto h = std::make_unique<faiss::IndexHNSWFlat>(dim, options.hnsw_m, faiss::METRIC_INNER_PRODUCT);
    h->hnsw.efConstruction = options.hnsw_ef_construction;
    use_fast_inner_product(h.get());
    index = std::move(h);
  }
  const int saved = omp_get_max_threads();
  omp_set_num_threads(std::max(1, options.threads));
  index->add(n, vectors);
  omp_set_num_threads(saved);
  return index;
}

void VectorDb::build(const std::string& dir, const std::vector<float>& vectors, int dim,
                     const std::vector<DbEntry>& entries, nlohmann::json meta, const DbBuildOptions& options) {
  const int64_t n = static_cast<int64_t>(entries.size());
  if (dim <= 0 || static_cast<int64_t>(vectors.size()) != n * dim)
    throw Error("vector database: " + std::to_string(vectors.size()) + " values for " + std::to_string(n) +
                " labels of dimension " + std::to_string(dim));
  if (n == 0) throw ConfigError("vector database: no exemplars to index (check the inputs)");
  const std::string type = choose_index_type(n, options.flat_max);
  const std::unique_ptr<faiss::Index> index = make_index(vectors.data(), n, dim, options);

  Sha256 content;
  std::string labels;
  for (int64_t i = 0; i < n; ++i) {
    labels += nlohmann::json{{"id", i}, {"label", entries[i].label}, {"source", entries[i].source}}.dump() + "\n";
    content.add(entries[i].label).add(vectors.data() + i * dim, sizeof(float) * dim);
  }
  meta["dim"] = dim;
  meta["count"] = n;
  meta["index_type"] = type;
  meta["faiss_class"] = type == "flat" ? "IndexFlatIP" : "IndexHNSWFlat";
  if (type == "hnsw") meta["hnsw_m"] = options.hnsw_m;
  meta["content_hash"] = content.hex();

  fs::create_directories(dir);
  const fs::path d(dir);
  fs::remove(d / "meta.json");  // incomplete until the new meta lands
  const std::string tmp = (d / "index.faiss.tmp").string();
  faiss::write_index(index.get(), tmp.c_str());
  fs::rename(tmp, d / "index.faiss");
  write_text(d / "labels.jsonl", labels);
  write_text(d / "meta.json", meta.dump(1) + "\n");
}

VectorDb VectorDb::load(const std::string& dir, int ef_search) {
  const fs::path d(dir);
  VectorDb db;
  const fs::path meta_path = d / "meta.json";
  std::ifstream m(meta_path);
  if (!m) throw ConfigError("vector database '" + dir + "': no meta.json (build it with cf-build-db)");
  try {
    db.meta_ = nlohmann::json::parse(m);
    db.dim_ = db.meta_.at("dim").get<int>();
  } catch (const std::exception& e) {
    throw ConfigError("vector database '" + meta_path.string() + "': " + e.what());
  }
  std::ifstream l(d / "labels.jsonl");
  if (!l) throw ConfigError("vector database '" + dir + "': no labels.jsonl");
  std::string line;
  for (int64_t lineno = 1; std::getline(l, line); ++lineno) {
    if (line.empty()) continue;
    try {
      auto j = nlohmann::json::parse(line);
      db.entries_.push_back({j.at("label").get<std::string>(), j.value("source", "")});
    } catch (const std::exception& e) {
      throw ConfigError((d / "labels.jsonl").string() + ":" + std::to_string(lineno) + ": " + e.what());
    }
  }
  const std::string index_path = (d / "index.faiss").string();
  if (!fs::exists(index_path)) throw ConfigError("vector database '" + dir + "': no index.faiss");
  try {
    db.index_.reset(faiss::read_index(index_path.c_str()));
  } catch (const std::exception& e) {
    throw ConfigError("vector database '" + index_path + "': " + e.what());
  }
  if (db.index_->d != db.dim_ || db.index_->ntotal != db.size() || db.meta_.value("count", int64_t{-1}) != db.size())
    throw ConfigError("vector database '" + dir + "': index has " + std::to_string(db.index_->ntotal) +
                      " vectors of dimension " + std::to_string(db.index_->d) + ", labels.jsonl " +
                      std::to_string(db.size()) + " rows, meta.json dim " + std::to_string(db.dim_) + ": rebuild it");
  if (auto* h = dynamic_cast<faiss::IndexHNSW*>(db.index_.get())) h->hnsw.efSearch = ef_search;
  use_fast_inner_product(db.index_.get());
  return db;
}

VectorDb::VectorDb(VectorDb&&) noexcept = default;
VectorDb& VectorDb::operator=(VectorDb&&) noexcept = default;
VectorDb::~VectorDb() = default;

std::vector<std::vector<Neighbor>> VectorDb::search(const std::vector<float>& queries, int64_t k) const {
  const int64_t n = static_cast<int64_t>(queries.size()) / dim_;
  k = std::min<int64_t>(k, size());
  std::vector<std::vector<Neighbor>> out(n);
  if (n == 0 || k <= 0) return out;
  std::vector<float> dist(n * k);
  std::vector<faiss::Index::idx_t> ids(n * k);
  index_->search(n, queries.data(), k, dist.data(), ids.data());
  for (int64_t q = 0; q < n; ++q)
    for (int64_t j = 0; j < k; ++j)
      if (ids[q * k + j] >= 0) out[q].push_back({ids[q * k + j], dist[q * k + j]});
  return out;
}

}  // namespace cf::retrieve
