// cf_synth_retrieve text side: BM25 ranking, knowledge-base name/alias/BM25 lookup, the shipped
// knowledge base, the neighbour vote, COCO RLE and text-vector files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "synth/retrieve/bm25.h"
#include "synth/retrieve/exemplars.h"
#include "synth/retrieve/knowledge_base.h"
#include "synth/common/rle.h"
#include "synth/retrieve/text_vectors.h"
#include "synth/retrieve/vote.h"

using namespace cf::retrieve;
namespace fs = std::filesystem;

TEST(RetrieveBm25, RanksHandCases) {
  Bm25 bm({"red traffic light at the junction",                         // 0
           "a deer standing on a country road at night",                // 1
           "deer deer deer deer crossing sign warns of deer crossing",  // 2
           "fallen cargo box debris in the lane"});                     // 3
  EXPECT_EQ(bm.best("traffic light"), 0);
  EXPECT_EQ(bm.best("box in lane"), 3);
  EXPECT_EQ(bm.best("helicopter"), -1);
  // Term frequency counts but saturates; "sign" only in doc 2.
  auto s = bm.scores("deer");
  EXPECT_GT(s[2], s[1]);
  EXPECT_LT(s[2], 3 * s[1]);
  EXPECT_EQ(s[0], 0.0);
  EXPECT_EQ(bm.best("deer sign"), 2);
  // Length normalization: the same single occurrence scores higher in a shorter document.
  Bm25 len({"cone", "cone with many other words around it in a long text"});
  auto l = len.scores("cone");
  EXPECT_GT(l[0], l[1]);
  // Rare terms weigh more than common ones.
  Bm25 idf({"road cone", "road barrier", "road sign", "road mattress"});
  auto r = idf.scores("road mattress");
  EXPECT_EQ(idf.best("road mattress"), 3);
  EXPECT_GT(r[3] - r[0], r[0]);
}

TEST(RetrieveKb, NameAliasAndBm25Lookup) {
  KnowledgeBase kb(
      {{"traffic light", {"signal", "stoplight"}, "A signal head with red, amber and green lamps.", "obey"},
       {"traffic cone", {"cone", "pylon"}, "An orange plastic cone marking road works.", "avoid"},
       {"debris", {"road debris"}, "Objects lying on the road such as a mattress or a tire.", "steer"}});
  EXPECT_EQ(normalize_name("Traffic_Light!"), "traffic light");
  EXPECT_EQ(normalize_name("Cones"), "cone");
  EXPECT_EQ(normalize_name("bus"), "bus");
  auto m = kb.lookup("Traffic_Light");
  ASSERT_TRUE(m.entry);
  EXPECT_EQ(m.entry->name, "traffic light");
  EXPECT_EQ(m.how, "name");
  m = kb.lookup("STOPLIGHTS");
  ASSERT_TRUE(m.entry);
  EXPECT_EQ(m.entry->name, "traffic light");
  EXPECT_EQ(m.how, "alias");
  m = kb.lookup("cone");
  EXPECT_EQ(m.entry->name, "traffic cone");
  EXPECT_EQ(m.how, "alias");
  m = kb.lookup("mattress");
  ASSERT_TRUE(m.entry);
  EXPECT_EQ(m.entry->name, "debris");
  EXPECT_EQ(m.how, "bm25");
  EXPECT_FALSE(kb.lookup("helicopter").entry);
  EXPECT_THROW(KnowledgeBase({{"a", {"x"}, "d", "r"}, {"b", {"x"}, "d", "r"}}), cf::ConfigError);
  EXPECT_THROW(KnowledgeBase({{"a", {}, "d", "r"}, {"b", {"a"}, "d", "r"}}), cf::ConfigError);
  EXPECT_THROW(KnowledgeBase({{"a", {}, "d", "r"}, {"A", {}, "d", "r"}}), cf::ConfigError);
}

TEST(RetrieveKb, ShippedKnowledgeBaseCoversScenegenLabels) {
  const auto kb = KnowledgeBase::load(std::string(CF_SOURCE_DIR) + "/configs/knowledge_base.jsonl");
  EXPECT_GE(kb.entries().size(), 60u);
  for (const auto& e : kb.entries()) {
    EXPECT_GE(e.description.size(), 60u) << e.name;
    EXPECT_GE(e.driving_relevance.size(), 40u) << e.name;
  }
  const std::vector<std::pair<std::string, std::string>> objects = {{"car", ""},
                                                                    {"truck", ""},
                                                                    {"bus", ""},
                                                                    {"pedestrian", ""},
                                                                    {"cyclist", ""},
                                                                    {"traffic_light", ""},
                                                                    {"traffic_sign", ""},
                                                                    {"cone", ""},
                                                                    {"barrier", ""},
                                                                    {"animal", ""},
                                                                    {"debris", ""},
                                                                    {"traffic_sign", "stop"},
                                                                    {"traffic_sign", "yield"},
                                                                    {"traffic_sign", "speed_limit"},
                                                                    {"traffic_sign", "no_entry"},
                                                                    {"traffic_sign", "pedestrian_crossing"},
                                                                    {"traffic_sign", "keep_right"},
                                                                    {"traffic_sign", "no_parking"},
                                                                    {"traffic_sign", "road_work"},
                                                                    {"traffic_sign", "curve_ahead"},
                                                                    {"animal", "dog"},
                                                                    {"animal", "deer"},
                                                                    {"animal", "cow"},
                                                                    {"animal", "horse"},
                                                                    {"debris", "tire"},
                                                                    {"debris", "mattress"},
                                                                    {"debris", "cargo_box"},
                                                                    {"debris", "rock"},
                                                                    {"debris", "tree_branch"}};
  for (const auto& [cls, kind] : objects)
    for (const char* mode : {"class", "fine"}) {
      const std::string label = scenegen_label(cls, kind, mode);
      const auto m = kb.lookup(label);
      ASSERT_TRUE(m.entry) << label;
      EXPECT_NE(m.how, "bm25") << label << " -> " << m.entry->name;
    }
  EXPECT_EQ(kb.lookup(kUnknownLabel).how, "name");
}

TEST(RetrieveVote, ScoreMajorityAndUnknown) {
  std::vector<DbEntry> e = {{"car", ""}, {"truck", ""}, {"truck", ""}, {"bus", ""}};
  std::vector<Neighbor> nb = {{0, 0.95f}, {1, 0.90f}, {2, 0.20f}, {3, 0.85f}};
  auto s = name_region(nb, e, "score", 0.5f);
  EXPECT_EQ(s.label, "truck");  // 1.10 > 0.95
  EXPECT_FLOAT_EQ(s.score, 0.90f);
  EXPECT_EQ(s.top_k, "car:0.950;truck:0.900;bus:0.850");
  nb[2].score = 0.01f;
  s = name_region(nb, e, "score", 0.5f);
  EXPECT_EQ(s.label, "car");  // 0.95 > 0.91
  auto m = name_region(nb, e, "majority", 0.5f);
  EXPECT_EQ(m.label, "truck");  // two neighbours
  auto u = name_region(nb, e, "score", 0.96f);
  EXPECT_EQ(u.label, kUnknownLabel);
  EXPECT_FLOAT_EQ(u.score, 0.95f);
  EXPECT_EQ(name_region({}, e, "score", 0.f).label, kUnknownLabel);
}

// cf-retrieve decodes segment masks with the shared RLE (synth/common/rle.h): the string form
// it reads, as cf-segment writes it.
namespace {
std::string rle_encode(const cv::Mat& m) { return cf::synth::rle_to_string(cf::synth::rle_encode(m)); }
cv::Mat rle_decode(const std::string& s, int h, int w) {
  return cf::synth::rle_decode(cf::synth::rle_from_string(s, h, w));
}
}  // namespace

TEST(RetrieveRle, HandCaseAndRoundTrip) {
  // [[0,1],[1,1]] column-major: 0,1,1,1 -> runs [1, 3] -> "13".
  cv::Mat m = (cv::Mat_<uint8_t>(2, 2) << 0, 1, 1, 1);
  EXPECT_EQ(rle_encode(m), "13");
  cv::Mat d = rle_decode("13", 2, 2);
  EXPECT_EQ(cv::countNonZero(d != m), 0);
  // A long run and a run starting with foreground (leading zero-length background run).
  const cf::synth::Rle runs{100015, 1, {0, 100000, 5, 7, 3}};
  EXPECT_EQ(cf::synth::rle_from_string(cf::synth::rle_to_string(runs), 100015, 1).counts,
            (std::vector<uint32_t>{0, 100000, 5, 7, 3}));
  std::mt19937 rng(7);
  for (int t = 0; t < 20; ++t) {
    cv::Mat r(37, 53, CV_8U);
    cv::randu(r, 0, 2);
    if (t % 2) cv::rectangle(r, cv::Rect(3, 4, 20, 10), cv::Scalar(1), -1);
    const cv::Mat back = rle_decode(rle_encode(r), r.rows, r.cols);
    EXPECT_EQ(cv::countNonZero(back != r), 0);
  }
  EXPECT_THROW(rle_decode("13", 3, 2), cf::DataError);
  EXPECT_THROW(rle_decode("1\x7f", 2, 2), cf::DataError);
}

TEST(RetrieveTextVectors, NpyAndJsonl) {
  const fs::path dir = fs::temp_directory_path() / ("cf-test-tv-" + std::to_string(getpid()));
  fs::create_directories(dir);
  {
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    header.resize(118, ' ');
    header += '\n';
    std::ofstream f(dir / "v.npy", std::ios::binary);
    f.write("\x93NUMPY\x01\x00", 8);
    const uint16_t len = static_cast<uint16_t>(header.size());
    f.write(reinterpret_cast<const char*>(&len), 2);
    f << header;
    const float v[6] = {3, 0, 4, 0, 2, 0};
    f.write(reinterpret_cast<const char*>(v), sizeof v);
  }
  std::ofstream(dir / "labels.txt") << "stop sign\ndeer\n";
  auto tv = load_text_vectors((dir / "v.npy").string(), (dir / "labels.txt").string());
  EXPECT_EQ(tv.dim, 3);
  ASSERT_EQ(tv.labels.size(), 2u);
  EXPECT_EQ(tv.labels[1], "deer");
  EXPECT_FLOAT_EQ(tv.vectors[0], 0.6f);
  EXPECT_FLOAT_EQ(tv.vectors[2], 0.8f);
  EXPECT_FLOAT_EQ(tv.vectors[4], 1.0f);
  EXPECT_THROW(load_text_vectors((dir / "v.npy").string(), ""), cf::ConfigError);
  std::ofstream(dir / "t.jsonl") << R"({"label": "cone", "vector": [1, 1]})"
                                 << "\n"
                                 << R"({"label": "tire", "vector": [1, 2, 3]})"
                                 << "\n";
  try {
    load_text_vectors((dir / "t.jsonl").string(), "");
    FAIL();
  } catch (const cf::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("t.jsonl:2"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}
