#include "io/stage_dir.h"

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "io/shard.h"

namespace fs = std::filesystem;

namespace cf {

void write_stage_plan(const std::string& dir, const StagePlan& plan) {
  const fs::path path = fs::path(dir) / "plan.json";
  {
    std::ofstream out(path.string() + ".tmp");
    out << nlohmann::json{{"stage", plan.stage}, {"shards", plan.shards}, {"plan_hash", plan.plan_hash}}.dump(2)
        << "\n";
    if (!out) throw Error("cannot write " + path.string());
  }
  fs::rename(path.string() + ".tmp", path);
}

StagePlan read_stage_plan(const std::string& dir) {
  const fs::path path = fs::path(dir) / "plan.json";
  std::ifstream in(path);
  if (!in)
    throw ConfigError("io.input '" + dir +
                      "' has no plan.json: it is not the output of a "
                      "cornerforge stage, or that stage has not started");
  try {
    auto j = nlohmann::json::parse(in);
    return {j.at("stage").get<std::string>(), j.at("shards").get<int64_t>(), j.at("plan_hash").get<std::string>()};
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(path.string() + ": unreadable plan: " + e.what());
  }
}

std::vector<std::string> complete_shards(const std::string& dir, const StagePlan& plan) {
  std::vector<std::string> paths;
  for (int64_t i = 0; i < plan.shards; ++i) {
    std::string p = (fs::path(dir) / shard_file_name(i)).string();
    ShardStatus st = shard_status(p);
    if (!st.complete)
      throw DataError("upstream shard '" + p + "' of stage '" + plan.stage + "' is missing or " + "incomplete (" +
                      st.reason + "); finish or re-run that stage first");
    paths.push_back(std::move(p));
  }
  return paths;
}

}  // namespace cf
