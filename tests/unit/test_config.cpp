#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/error.h"

namespace {

cf::ConfigSchema schema() {
  cf::ConfigSchema s;
  s.add_int("io.shards", 4, "shards", 1, 100)
      .add_float("image.scale", 0.5, "scale")
      .add_bool("dedupe.near", true, "near")
      .add_string("video.mode", "uniform", "mode", {"uniform", "fps"})
      .add_string("io.output", "out", "output")
      .add_strings("ingest.ext", {"jpg"}, "ext");
  return s;
}

std::string write_toml(const std::string& text) {
  static int n = 0;
  auto p = std::filesystem::temp_directory_path() /
           ("cf_cfg_" + std::to_string(getpid()) + "_" + std::to_string(n++) + ".toml");
  std::ofstream(p) << text;
  return p.string();
}

std::string error_of(const std::string& text, std::vector<std::string> sets = {}) {
  try {
    cf::Config::load(schema(), text.empty() ? "" : write_toml(text), sets);
  } catch (const cf::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, DefaultsFileAndOverridesInOrder) {
  auto path = write_toml("[io]\nshards = 8\n[image]\nscale = 2\n");
  auto c = cf::Config::load(schema(), path, {"io.shards=9", "video.mode=fps", "ingest.ext=[\"png\", \"bmp\"]"});
  EXPECT_EQ(c.get_int("io.shards"), 9);
  EXPECT_EQ(c.origin("io.shards"), "--set");
  EXPECT_DOUBLE_EQ(c.get_float("image.scale"), 2.0);  // an integer is a valid float
  EXPECT_EQ(c.origin("image.scale"), path + ":4");
  EXPECT_TRUE(c.get_bool("dedupe.near"));
  EXPECT_EQ(c.origin("dedupe.near"), "default");
  EXPECT_EQ(c.get_string("video.mode"), "fps");
  EXPECT_EQ(c.get_strings("ingest.ext"), (std::vector<std::string>{"png", "bmp"}));
}

TEST(Config, UnknownKeyNamesFileLineAndSuggestion) {
  auto e = error_of("[io]\nshards = 8\nshardz = 3\n");
  EXPECT_NE(e.find(".toml:3: unknown key 'io.shardz'"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'io.shards'"), std::string::npos) << e;
  e = error_of("[nosuch]\nx = 1\n");
  EXPECT_NE(e.find("unknown key 'nosuch'"), std::string::npos) << e;
}

TEST(Config, MistypedKeyNamesFileLineAndTypes) {
  auto e = error_of("[io]\n\nshards = \"eight\"\n");
  EXPECT_NE(e.find(".toml:3: key 'io.shards' must be an integer, got a string"), std::string::npos) << e;
  e = error_of("[dedupe]\nnear = 1\n");
  EXPECT_NE(e.find("key 'dedupe.near' must be a boolean"), std::string::npos) << e;
}

TEST(Config, RangeChoiceAndSyntaxErrors) {
  EXPECT_NE(error_of("[io]\nshards = 0\n").find("must be >= 1"), std::string::npos);
  EXPECT_NE(error_of("[video]\nmode = \"fast\"\n").find("must be one of \"uniform\" \"fps\""), std::string::npos);
  auto e = error_of("[io\nshards = 1\n");
  EXPECT_NE(e.find(".toml:1: TOML syntax error"), std::string::npos) << e;
  EXPECT_NE(error_of("", {"io.shards=abc"}).find("--set io.shards: value 'abc' is not an integer"), std::string::npos);
  EXPECT_NE(error_of("", {"io.shardz=1"}).find("--set: unknown key 'io.shardz'"), std::string::npos);
  EXPECT_NE(error_of("", {"noequals"}).find("expected section.key=value"), std::string::npos);
  EXPECT_NE(error_of("", {"io.shards=1000"}).find("must be <= 100"), std::string::npos);
}

TEST(Config, MissingFileIsAConfigError) {
  try {
    cf::Config::load(schema(), "/nonexistent/x.toml", {});
    FAIL();
  } catch (const cf::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.toml"), std::string::npos);
  }
}

TEST(Config, StringOverrideIsVerbatimAndTomlRoundTrips) {
  auto c = cf::Config::load(schema(), "", {"io.output=dir with 'quotes' and $(rm -rf x)"});
  EXPECT_EQ(c.get_string("io.output"), "dir with 'quotes' and $(rm -rf x)");
  auto again = cf::Config::load(schema(), write_toml(c.to_toml()), {});
  EXPECT_EQ(again.to_json(), c.to_json());
}

}  // namespace
