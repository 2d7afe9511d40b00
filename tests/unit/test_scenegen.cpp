// cf_scenegen: determinism (seed, world size), mask/box consistency, class and event coverage,
// Cosmos-schema validity of annotations, decodable clips, resume, config defaults.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "core/config.h"
#include "core/error.h"
#include "scenegen/scenegen.h"

namespace fs = std::filesystem;
using namespace cf::scenegen;

namespace {

SceneGenOptions small_options(int images, int clips) {
  SceneGenOptions o;
  o.images = images;
  o.clips = clips;
  o.width = 320;
  o.height = 180;
  o.clip_seconds = 2.0;
  o.clip_fps = 10;
  o.corner_case_rate = 0.5;
  return o;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class SceneGenTest : public ::testing::Test {
 protected:
  fs::path dir(const std::string& name) {
    fs::path p = base_ / name;
    fs::create_directories(p);
    return p;
  }
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("cf_scenegen_test_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
  }
  void TearDown() override { fs::remove_all(base_); }
  fs::path base_;
};

// Files of the image part of a corpus, relative path -> bytes.
std::map<std::string, std::string> image_files(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const char* sub : {"images", "labels", "masks"})
    for (const auto& e : fs::directory_iterator(root / sub))
      out[std::string(sub) + "/" + e.path().filename().string()] = slurp(e.path());
  return out;
}

}  // namespace

TEST_F(SceneGenTest, SameSeedSameBytesAnyWorldSize) {
  SceneGenOptions o = small_options(6, 0);
  fs::path a = dir("a"), b = dir("b"), c = dir("c"), d = dir("d");
  SceneGenStats sa = generate_corpus(o, a.string(), 0, 1);
  EXPECT_EQ(sa.images_written, 6);
  EXPECT_EQ(sa.failed, 0);
  generate_corpus(o, b.string(), 0, 1);
  SceneGenStats s0 = generate_corpus(o, c.string(), 0, 2);
  SceneGenStats s1 = generate_corpus(o, c.string(), 1, 2);
  EXPECT_EQ(s0.images_written, 3);
  EXPECT_EQ(s1.images_written, 3);
  auto fa = image_files(a);
  ASSERT_EQ(fa.size(), 18u);
  EXPECT_EQ(fa, image_files(b));
  EXPECT_EQ(fa, image_files(c));
  o.seed = 99;
  generate_corpus(o, d.string(), 0, 1);
  auto fd = image_files(d);
  EXPECT_NE(fa["images/scene_000000.jpg"], fd["images/scene_000000.jpg"]);
  EXPECT_NE(fa["labels/scene_000001.json"], fd["labels/scene_000001.json"]);
}

TEST_F(SceneGenTest, ThreadsDoNotChangeOutputAndResumeSkips) {
  SceneGenOptions o = small_options(4, 0);
  fs::path a = dir("a"), b = dir("b");
  generate_corpus(o, a.string(), 0, 1);
  o.threads = 2;
  generate_corpus(o, b.string(), 0, 1);
  EXPECT_EQ(image_files(a), image_files(b));
  fs::remove(b / "masks" / "scene_000002.png");
  SceneGenStats again = generate_corpus(o, b.string(), 0, 1);
  EXPECT_EQ(again.skipped, 3);
  EXPECT_EQ(again.images_written, 1);
  EXPECT_EQ(image_files(a), image_files(b));
  for (const auto& e : fs::recursive_directory_iterator(b)) EXPECT_NE(e.path().extension(), ".tmp");
}

TEST_F(SceneGenTest, MasksAgreeWithBoxes) {
  SceneGenOptions o = small_options(8, 0);
  fs::path a = dir("a");
  generate_corpus(o, a.string(), 0, 1);
  int objects = 0;
  for (int i = 0; i < o.images; ++i) {
    std::string stem = item_stem("scene_", i);
    nlohmann::json label = nlohmann::json::parse(slurp(a / "labels" / (stem + ".json")));
    cv::Mat mask = cv::imread((a / "masks" / (stem + ".png")).string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(mask.type(), CV_16UC1);
    ASSERT_EQ(mask.cols, label["width"].get<int>());
    std::set<int> ids;
    for (const auto& obj : label["objects"]) {
      int id = obj["id"];
      ids.insert(id);
      cv::Mat m = mask == id;
      cv::Rect r = cv::boundingRect(m);
      ASSERT_GT(cv::countNonZero(m), 0) << stem << " id " << id;
      EXPECT_EQ(r, cv::Rect(obj["box"][0], obj["box"][1], obj["box"][2], obj["box"][3])) << stem << " id " << id;
      EXPECT_EQ(cv::countNonZero(m), obj["area"].get<int>());
      ++objects;
    }
    for (int y = 0; y < mask.rows; ++y)
      for (int x = 0; x < mask.cols; ++x) {
        int v = mask.at<uint16_t>(y, x);
        if (v) {
          ASSERT_TRUE(ids.count(v)) << stem << " mask id " << v << " has no object";
        }
      }
  }
  EXPECT_GT(objects, 8);
}

TEST_F(SceneGenTest, EveryClassAppears) {
  SceneGenOptions o = small_options(0, 0);
  std::set<std::string> seen;
  for (int i = 0; i < 120 && seen.size() < all_classes().size(); ++i) {
    SceneSpec s = image_spec(o, i);
    RenderedFrame f = render_frame(s, 0, 0);
    for (const VisibleObject& v : f.objects) seen.insert(to_string(s.objects[size_t(v.id - 1)].cls));
  }
  for (ObjClass c : all_classes()) EXPECT_TRUE(seen.count(to_string(c))) << to_string(c);
}

TEST_F(SceneGenTest, EveryEventIsScripted) {
  SceneGenOptions o = small_options(0, 0);
  std::set<ClipEvent> events;
  for (int i = 0; i < 60; ++i) events.insert(clip_spec(o, i).event);
  EXPECT_EQ(events.size(), 6u);
}

TEST_F(SceneGenTest, ClipsHaveValidCosmosAnnotationsAndDecode) {
  SceneGenOptions o = small_options(0, 6);
  fs::path a = dir("a");
  SceneGenStats st = generate_corpus(o, a.string(), 0, 1);
  ASSERT_EQ(st.clips_written, 6) << (st.errors.empty() ? "" : st.errors[0]);
  auto in = [](const std::vector<std::string>& v, const nlohmann::json& x) {
    return x.is_string() && std::find(v.begin(), v.end(), x.get<std::string>()) != v.end();
  };
  for (int i = 0; i < o.clips; ++i) {
    std::string stem = item_stem("clip_", i);
    nlohmann::json j = nlohmann::json::parse(slurp(a / "clips" / (stem + ".json")));
    for (const auto& f : cosmos_fields()) EXPECT_TRUE(j.contains(f)) << stem << " lacks " << f;
    EXPECT_TRUE(in(cosmos_weathers(), j["weather"])) << j["weather"];
    EXPECT_TRUE(in(cosmos_lightings(), j["lighting"])) << j["lighting"];
    for (const char* k : {"road_conditions", "traffic_light", "traffic_sign", "road_type", "junction_type", "lane_type",
                          "safety_analysis"})
      EXPECT_TRUE(j[k].is_string() && !j[k].get<std::string>().empty()) << k;
    for (const char* k : {"additional_traffic_rules", "additional_map_rules"})
      EXPECT_TRUE(j[k].is_null() || j[k].is_string()) << k;
    const auto& m = j["interactive_expanded_metaaction"];
    EXPECT_TRUE(m.is_null() || (m.is_array() && !m.empty()));
    if (m.is_array()) {
      for (const auto& x : m) EXPECT_TRUE(in(cosmos_metaactions(), x)) << x;
    }
    ASSERT_TRUE(j["driving_difficulty"].is_number_integer());
    EXPECT_GE(j["driving_difficulty"].get<int>(), 1);
    EXPECT_LE(j["driving_difficulty"].get<int>(), 4);
    EXPECT_TRUE(j["rule_violation"].is_boolean());
    EXPECT_TRUE(j["interesting_scenario"].is_boolean());
    EXPECT_EQ(j["frames"].size(), 20u);
    ASSERT_TRUE(fs::exists(a / j["video"].get<std::string>()));
  }
  nlohmann::json j0 = nlohmann::json::parse(slurp(a / "clips" / "clip_000000.json"));
  cv::VideoCapture cap((a / j0["video"].get<std::string>()).string());
  ASSERT_TRUE(cap.isOpened());
  int n = 0;
  for (cv::Mat f; cap.read(f);) {
    EXPECT_EQ(f.cols, 320);
    ++n;
  }
  EXPECT_NEAR(n, 20, 1);
}

TEST_F(SceneGenTest, ImageLabelsCarryAnnotation) {
  SceneGenOptions o = small_options(3, 0);
  fs::path a = dir("a");
  generate_corpus(o, a.string(), 0, 1);
  nlohmann::json j = nlohmann::json::parse(slurp(a / "labels" / "scene_000000.json"));
  for (const auto& f : cosmos_fields())
    if (f != "interactive_expanded_metaaction") {
      EXPECT_TRUE(j["annotation"].contains(f)) << f;
    }
  EXPECT_EQ(j["seed"], 1234);
  EXPECT_TRUE(j["road"].contains("junction"));
  EXPECT_TRUE(fs::exists(a / "scenegen_manifest.json"));
}

TEST(SceneGenOptionsTest, ValidationAndConfigDefaults) {
  SceneGenOptions o;
  EXPECT_NO_THROW(o.validate());
  o.width = 321;
  EXPECT_THROW(o.validate(), cf::ConfigError);
  o = SceneGenOptions();
  o.weather = {"sunny"};
  EXPECT_THROW(o.validate(), cf::ConfigError);

  cf::ConfigSchema schema;
  declare_scenegen_options(schema);
  cf::Config defaults = cf::Config::load(schema, "", {});
  cf::Config file = cf::Config::load(schema, std::string(CF_SOURCE_DIR) + "/configs/scenegen.toml", {});
  EXPECT_EQ(defaults.to_json(), file.to_json());
  SceneGenOptions d = scenegen_options_from_config(defaults);
  EXPECT_EQ(d.images, 64);
  EXPECT_EQ(d.weather.size(), 7u);
  EXPECT_THROW(cf::Config::load(schema, "", {"scenegen.night_rate=1.5"}), cf::ConfigError);
}
