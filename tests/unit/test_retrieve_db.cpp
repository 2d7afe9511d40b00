// cf_synth_retrieve database: FAISS index round trip (build, save, load, same results as exact
// search / an in-memory index), index type chosen by size, byte-identical rebuilds, load errors.
#include <gtest/gtest.h>
#include <omp.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/index_io.h>

#include "core/error.h"
#include "synth/retrieve/fast_ip_storage.h"
#include "synth/retrieve/vector_db.h"

namespace fs = std::filesystem;
using namespace cf::retrieve;

namespace {

std::vector<float> unit_vectors(int64_t n, int d, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> v(n * d);
  for (int64_t i = 0; i < n; ++i) {
    double s = 0;
    for (int j = 0; j < d; ++j) s += double(v[i * d + j] = g(rng)) * v[i * d + j];
    for (int j = 0; j < d; ++j) v[i * d + j] /= static_cast<float>(std::sqrt(s));
  }
  return v;
}

std::vector<DbEntry> labels(int64_t n) {
  std::vector<DbEntry> e;
  for (int64_t i = 0; i < n; ++i) e.push_back({"class" + std::to_string(i % 7), "src#" + std::to_string(i)});
  return e;
}

struct TempDir {
  fs::path path =
      fs::temp_directory_path() / ("cf-test-db-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  ~TempDir() { fs::remove_all(path); }
  static inline int counter = 0;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST(RetrieveDb, IndexTypeByCount) {
  EXPECT_EQ(choose_index_type(0, 10000), "flat");
  EXPECT_EQ(choose_index_type(9999, 10000), "flat");
  EXPECT_EQ(choose_index_type(10000, 10000), "hnsw");
  EXPECT_EQ(choose_index_type(1000000, 10000), "hnsw");
}

TEST(RetrieveDb, FlatRoundTripMatchesExactSearch) {
  TempDir dir;
  const int d = 24;
  const int64_t n = 300, nq = 40;
  const auto data = unit_vectors(n, d, 1), queries = unit_vectors(nq, d, 2);
  DbBuildOptions opt;
  opt.flat_max = 1000;
  VectorDb::build(dir.path.string(), data, d, labels(n), {{"backend", "test"}}, opt);
  const VectorDb db = VectorDb::load(dir.path.string());
  EXPECT_EQ(db.meta()["index_type"], "flat");
  EXPECT_EQ(db.meta()["faiss_class"], "IndexFlatIP");
  EXPECT_EQ(db.meta()["backend"], "test");
  EXPECT_EQ(db.size(), n);
  EXPECT_EQ(db.entries()[8].label, "class1");
  EXPECT_EQ(db.entries()[8].source, "src#8");
  const auto res = db.search(queries, 5);
  ASSERT_EQ(res.size(), size_t(nq));
  for (int64_t q = 0; q < nq; ++q) {
    // Brute force in double: the best id and its score.
    int64_t best = -1;
    double bs = -9;
    for (int64_t i = 0; i < n; ++i) {
      double s = 0;
      for (int j = 0; j < d; ++j) s += double(queries[q * d + j]) * data[i * d + j];
      if (s > bs) bs = s, best = i;
    }
    ASSERT_EQ(res[q].size(), 5u);
    EXPECT_EQ(res[q][0].id, best);
    EXPECT_NEAR(res[q][0].score, bs, 1e-5);
    for (size_t k = 1; k < 5; ++k) EXPECT_GE(res[q][k - 1].score, res[q][k].score);
  }
  // k larger than the database: all of it.
  EXPECT_EQ(db.search(std::vector<float>(queries.begin(), queries.begin() + d), 1000)[0].size(), size_t(n));
}

TEST(RetrieveDb, HnswRoundTripEqualsInMemoryIndexAndIsByteStable) {
  TempDir a, b;
  const int d = 16;
  const int64_t n = 600, nq = 50;
  const auto data = unit_vectors(n, d, 3), queries = unit_vectors(nq, d, 4);
  DbBuildOptions opt;
  opt.flat_max = 500;  // 600 vectors: HNSW
  VectorDb::build(a.path.string(), data, d, labels(n), {}, opt);
  VectorDb::build(b.path.string(), data, d, labels(n), {}, opt);
  EXPECT_EQ(slurp(a.path / "index.faiss"), slurp(b.path / "index.faiss"));
  EXPECT_EQ(slurp(a.path / "meta.json"), slurp(b.path / "meta.json"));
  const VectorDb db = VectorDb::load(a.path.string(), 64);
  EXPECT_EQ(db.meta()["index_type"], "hnsw");
  EXPECT_EQ(db.meta()["faiss_class"], "IndexHNSWFlat");

  // The same index in memory, built by the code path build() saves.
  const auto mem = make_index(data.data(), n, d, opt);
  faiss::write_index(mem.get(), (a.path / "mem.faiss").string().c_str());
  EXPECT_EQ(slurp(a.path / "mem.faiss"), slurp(a.path / "index.faiss"));
  std::vector<float> dist(nq * 3);
  std::vector<faiss::Index::idx_t> ids(nq * 3);
  static_cast<faiss::IndexHNSW&>(*mem).hnsw.efSearch = 64;
  mem->search(nq, queries.data(), 3, dist.data(), ids.data());
  const auto res = db.search(queries, 3);
  int exact_hits = 0;
  faiss::IndexFlatIP flat(d);
  flat.add(n, data.data());
  std::vector<float> fd(nq);
  std::vector<faiss::Index::idx_t> fi(nq);
  flat.search(nq, queries.data(), 1, fd.data(), fi.data());
  // The loaded index answers exactly like the in-memory one.
  int same = 0;
  for (int64_t q = 0; q < nq; ++q) {
    for (int k = 0; k < 3; ++k) same += res[q][k].id == ids[q * 3 + k];
    exact_hits += res[q][0].id == fi[q];
  }
  EXPECT_EQ(same, nq * 3);
  // Loading again gives the same answers bit for bit.
  const auto again = VectorDb::load(a.path.string(), 64).search(queries, 3);
  for (int64_t q = 0; q < nq; ++q)
    for (int k = 0; k < 3; ++k) {
      EXPECT_EQ(again[q][k].id, res[q][k].id);
      EXPECT_EQ(again[q][k].score, res[q][k].score);
    }
  EXPECT_GE(exact_hits, nq * 9 / 10);  // small graph, ef 64: nearly exact
}

TEST(RetrieveDb, Dot8EqualsDoubleReference) {
  const auto v = unit_vectors(2, 241, 5);  // the builtin descriptor's dimension: 30 blocks + tail
  for (size_t d : {size_t(0), size_t(1), size_t(7), size_t(8), size_t(9), size_t(64), size_t(241)}) {
    double ref = 0;
    for (size_t i = 0; i < d; ++i) ref += double(v[i]) * v[241 + i];
    EXPECT_NEAR(dot8(v.data(), v.data() + 241, d), ref, 1e-6) << "d=" << d;
  }
}

// FAISS's own storage and FastIPStorage over the same graph: same neighbours, same scores to 1e-6.
TEST(RetrieveDb, FastInnerProductAnswersLikeFaissStorage) {
  TempDir a;
  const int d = 241;
  const int64_t n = 800, nq = 40;
  const auto data = unit_vectors(n, d, 6), queries = unit_vectors(nq, d, 7);
  auto plain = std::make_unique<faiss::IndexHNSWFlat>(d, 16, faiss::METRIC_INNER_PRODUCT);
  plain->add(n, data.data());
  faiss::write_index(plain.get(), (a.path.string() + ".faiss").c_str());
  std::unique_ptr<faiss::Index> fast(faiss::read_index((a.path.string() + ".faiss").c_str()));
  fs::remove(a.path.string() + ".faiss");
  use_fast_inner_product(fast.get());
  auto* storage = static_cast<faiss::IndexHNSW&>(*fast).storage;
  EXPECT_NE(typeid(*storage), typeid(faiss::IndexFlatIP));  // replaced
  EXPECT_EQ(storage->ntotal, n);
  std::vector<float> d1(nq * 5), d2(nq * 5);
  std::vector<faiss::Index::idx_t> i1(nq * 5), i2(nq * 5);
  plain->search(nq, queries.data(), 5, d1.data(), i1.data());
  fast->search(nq, queries.data(), 5, d2.data(), i2.data());
  for (int64_t j = 0; j < nq * 5; ++j) {
    EXPECT_EQ(i1[j], i2[j]) << j;
    EXPECT_NEAR(d1[j], d2[j], 1e-6) << j;
  }
}

TEST(RetrieveDb, LoadErrorsNameTheProblem) {
  TempDir dir;
  try {
    VectorDb::load(dir.path.string());
    FAIL() << "expected an error";
  } catch (const cf::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no meta.json"), std::string::npos) << e.what();
  }
  const auto data = unit_vectors(10, 8, 5);
  VectorDb::build(dir.path.string(), data, 8, labels(10), {}, {});
  std::ofstream(dir.path / "labels.jsonl", std::ios::app) << R"({"id": 10, "label": "extra"})"
                                                          << "\n";
  try {
    VectorDb::load(dir.path.string());
    FAIL() << "expected an error";
  } catch (const cf::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("labels.jsonl 11 rows"), std::string::npos) << e.what();
  }
  EXPECT_THROW(VectorDb::build(dir.path.string(), {}, 8, {}, {}, {}), cf::ConfigError);
  EXPECT_THROW(VectorDb::build(dir.path.string(), data, 7, labels(10), {}, {}), cf::Error);
}
