// cf-status PATH...: is a stage output complete? For slurm/submit.sh (skip finished stages) and
// for people, with no python on the cluster.
//   - a stage directory (plan.json): every planned shard has its completion record and was
//     made from the plan's inputs and settings (cf_meta plan_hash);
//   - a directory of split stage directories (e.g. train/ and eval/ of cf-merge, cf-tokenizer):
//     each of them is complete, and there is at least one;
//   - a file (e.g. a trainer's model.safetensors, written last): it exists and is not empty.
// Prints one JSON line per path ({"path","complete","shards","done","reason"}). Exit 0 when every
// path is complete, 1 when one is not, 2 on usage errors.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "io/shard.h"
#include "io/stage_dir.h"

namespace fs = std::filesystem;

namespace {

nlohmann::json stage_dir_status(const fs::path& dir) {
  nlohmann::json r{{"path", dir.string()}, {"complete", false}, {"shards", 0}, {"done", 0}, {"reason", ""}};
  cf::StagePlan plan;
  try {
    plan = cf::read_stage_plan(dir.string());
  } catch (const std::exception& e) {
    r["reason"] = e.what();
    return r;
  }
  r["stage"] = plan.stage;
  r["shards"] = plan.shards;
  int64_t done = 0;
  std::string first_missing;
  for (int64_t i = 0; i < plan.shards; ++i) {
    const std::string p = (dir / cf::shard_file_name(i)).string();
    const cf::ShardStatus st = cf::shard_status(p);
    const bool ok = st.complete && st.meta.value("plan_hash", "") == plan.plan_hash;
    done += ok;
    if (!ok && first_missing.empty()) first_missing = p + ": " + (st.complete ? "made from another plan" : st.reason);
  }
  r["done"] = done;
  r["complete"] = done == plan.shards;
  r["reason"] = first_missing;
  return r;
}

nlohmann::json path_status(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    if (fs::exists(path / "plan.json", ec)) return stage_dir_status(path);
    nlohmann::json r{{"path", path.string()}, {"complete", false}, {"shards", 0}, {"done", 0}, {"reason", ""}};
    std::vector<fs::path> splits;
    for (const auto& e : fs::directory_iterator(path, ec))
      if (e.is_directory() && fs::exists(e.path() / "plan.json")) splits.push_back(e.path());
    std::sort(splits.begin(), splits.end());
    if (splits.empty()) {
      r["reason"] = "no plan.json: the stage has not started";
      return r;
    }
    bool all = true;
    int64_t shards = 0, done = 0;
    for (const auto& s : splits) {
      const auto st = stage_dir_status(s);
      shards += st["shards"].get<int64_t>();
      done += st["done"].get<int64_t>();
      if (!st["complete"].get<bool>() && all) r["reason"] = st["reason"];
      all = all && st["complete"].get<bool>();
    }
    r["complete"] = all;
    r["shards"] = shards;
    r["done"] = done;
    return r;
  }
  const bool ok = fs::is_regular_file(path, ec) && fs::file_size(path, ec) > 0;
  return {{"path", path.string()}, {"complete", ok}, {"reason", ok ? "" : "missing or empty file"}};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cf-status: is a stage output (stage directory, split directories, or final file) complete?"};
  std::vector<std::string> paths;
  bool quiet = false;
  app.add_option("paths", paths, "Stage output directories or files")->required();
  app.add_flag("-q,--quiet", quiet, "Print nothing; only the exit code");
  app.footer("Exit codes: 0 every path complete, 1 some path incomplete, 2 usage error.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  bool all = true;
  for (const auto& p : paths) {
    const auto r = path_status(p);
    all = all && r["complete"].get<bool>();
    if (!quiet) std::cout << r.dump() << "\n";
  }
  return all ? 0 : 1;
}
