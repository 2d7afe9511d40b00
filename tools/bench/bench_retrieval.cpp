// cf-bench-retrieval: the FAISS database of cf-build-db (VectorDb, HNSW above db.flat_max)
// against exact search (IndexFlatIP over the same vectors) on clustered random unit vectors of
// the builtin descriptor's dimension. Prints build time, queries/s and recall@1 per efSearch,
// one JSON line each (tools/bench/bench_retrieval.sh makes the table); last, the same HNSW file
// searched with FAISS's own inner product instead of cf's vectorized one (fast_ip_storage.h).
//   cf-bench-retrieval [N=100000] [QUERIES=2000] [THREADS=1] [DIR=/tmp/cf-bench-retrieval-db]
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/index_io.h>
#include <nlohmann/json.hpp>

#include "synth/retrieve/builtin_descriptor.h"
#include "synth/retrieve/vector_db.h"

using cf::retrieve::VectorDb;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// Unit vectors around `clusters` centres (descriptor-like: many near-duplicates per class).
std::vector<float> make_vectors(int64_t n, int d, int clusters, uint64_t seed, float noise) {
  std::mt19937_64 rng(1234);  // centres: the same for data and queries
  std::normal_distribution<float> g(0.f, 1.f);
  std::vector<float> centres(size_t(clusters) * d);
  for (auto& c : centres) c = std::abs(g(rng));  // non-negative, like histogram blocks
  std::mt19937_64 r2(seed);
  std::uniform_int_distribution<int> pick(0, clusters - 1);
  std::vector<float> v(size_t(n) * d);
  for (int64_t i = 0; i < n; ++i) {
    const int c = pick(r2);
    double norm = 0;
    for (int j = 0; j < d; ++j) {
      float x = centres[size_t(c) * d + j] + noise * g(r2);
      v[size_t(i) * d + j] = x;
      norm += double(x) * x;
    }
    for (int j = 0; j < d; ++j) v[size_t(i) * d + j] /= static_cast<float>(std::sqrt(norm));
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t n = argc > 1 ? std::stoll(argv[1]) : 100000;
  const int64_t nq = argc > 2 ? std::stoll(argv[2]) : 2000;
  const int threads = argc > 3 ? std::stoi(argv[3]) : 1;
  const std::string dir = argc > 4 ? argv[4] : "/tmp/cf-bench-retrieval-db";
  const int d = cf::retrieve::kBuiltinDim;
  const auto data = make_vectors(n, d, 500, 1, 0.6f);
  const auto queries = make_vectors(nq, d, 500, 2, 0.6f);
  std::vector<cf::retrieve::DbEntry> entries(n, {"x", ""});

  cf::retrieve::DbBuildOptions opt;  // the cf-build-db defaults, except build threads
  opt.threads = threads;
  double t0 = now();
  VectorDb::build(dir, data, d, entries, nlohmann::json::object(), opt);
  const double build_s = now() - t0;

  omp_set_num_threads(threads);
  faiss::IndexFlatIP exact(d);
  exact.add(n, data.data());
  std::vector<float> ed(nq);
  std::vector<faiss::Index::idx_t> ei(nq);
  t0 = now();
  exact.search(nq, queries.data(), 1, ed.data(), ei.data());
  const double exact_s = now() - t0;
  std::printf("%s\n", nlohmann::json{{"method", "exact IndexFlatIP"},
                                     {"n", n},
                                     {"dim", d},
                                     {"queries", nq},
                                     {"threads", threads},
                                     {"qps", nq / exact_s},
                                     {"recall_at_1", 1.0}}
                          .dump()
                          .c_str());
  for (int ef : {16, 32, 64, 128}) {
    const VectorDb db = VectorDb::load(dir, ef);
    t0 = now();
    const auto res = db.search(queries, 1);
    const double s = now() - t0;
    int64_t hit = 0;
    for (int64_t q = 0; q < nq; ++q)  // a tie with the exact best counts as a hit
      hit += !res[q].empty() && (res[q][0].id == ei[q] || res[q][0].score >= ed[q] - 1e-6f);
    std::printf("%s\n", nlohmann::json{{"method", db.meta().value("faiss_class", "")},
                                       {"ef_search", ef},
                                       {"n", n},
                                       {"dim", d},
                                       {"queries", nq},
                                       {"threads", threads},
                                       {"build_seconds", build_s},
                                       {"qps", nq / s},
                                       {"recall_at_1", double(hit) / nq}}
                            .dump()
                            .c_str());
  }
  {  // the same index file searched with FAISS's own (here: scalar) inner product, efSearch 64
    std::unique_ptr<faiss::Index> plain(faiss::read_index((dir + "/index.faiss").c_str()));
    if (auto* h = dynamic_cast<faiss::IndexHNSW*>(plain.get())) h->hnsw.efSearch = 64;
    std::vector<float> pd(nq);
    std::vector<faiss::Index::idx_t> pi(nq);
    t0 = now();
    plain->search(nq, queries.data(), 1, pd.data(), pi.data());
    const double s = now() - t0;
    int64_t hit = 0;
    for (int64_t q = 0; q < nq; ++q) hit += pi[q] == ei[q] || pd[q] >= ed[q] - 1e-6f;
    std::printf("%s\n", nlohmann::json{{"method", "IndexHNSWFlat, FAISS's inner product"},
                                       {"ef_search", 64},
                                       {"n", n},
                                       {"dim", d},
                                       {"queries", nq},
                                       {"threads", threads},
                                       {"build_seconds", build_s},
                                       {"qps", nq / s},
                                       {"recall_at_1", double(hit) / nq}}
                            .dump()
                            .c_str());
  }
  std::filesystem::remove_all(dir);
  return 0;
}
