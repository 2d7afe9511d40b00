#include "train/checkpoint.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/hash.h"
#include "io/sharded_array.h"
#include "model/weights.h"

namespace fs = std::filesystem;

namespace cf {
namespace {

std::string file_sha256(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw DataError("cannot read '" + p.string() + "'");
  Sha256 h;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.add(buf.data(), static_cast<size_t>(in.gcount()));
  }
  return h.hex();
}

void write_text(const fs::path& p, const std::string& text) {
  const fs::path tmp = p.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << text;
    if (!out) throw DataError("cannot write '" + tmp.string() + "'");
  }
  fs::rename(tmp, p);
}

const char* kFiles[] = {"model.safetensors", "optimizer.h5", "trainer_state.json"};

// Throws DataError if a file is missing or differs from the manifest.
void verify(const fs::path& dir) {
  std::ifstream in(dir / "manifest.json");
  if (!in) throw DataError("no manifest.json (incomplete checkpoint)");
  auto manifest = nlohmann::json::parse(in);
  for (const char* f : kFiles)
    if (file_sha256(dir / f) != manifest.at(f).get<std::string>())
      throw DataError(std::string(f) + " does not match its checksum");
}

}  // namespace

CheckpointManager::CheckpointManager(std::string dir, int keep) : dir_(std::move(dir)), keep_(keep) {}

std::vector<std::string> CheckpointManager::list() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && name.rfind("step-", 0) == 0 && name.find(".tmp") == std::string::npos) out.push_back(name);
  }
  std::sort(out.rbegin(), out.rend());
  return out;
}

std::string CheckpointManager::save(const MpiRuntime& mpi, Vlm& model, Zero2& zero, const FlatParams& flat,
                                    int64_t step, const nlohmann::json& state) {
  char name[32];
  std::snprintf(name, sizeof name, "step-%08lld", static_cast<long long>(step));
  const fs::path final_dir = fs::path(dir_) / name, tmp = fs::path(dir_) / (std::string(name) + ".tmp");
  if (mpi.is_root()) {
    fs::remove_all(tmp);
    fs::create_directories(tmp);
  }
  mpi.barrier();
  const int64_t begin = zero.shard_begin();
  const int64_t count = std::max<int64_t>(0, std::min(flat.shard_size(), flat.numel() - begin));
  write_sharded_arrays((tmp / "optimizer.h5").string(), mpi.comm(), flat.numel(), std::min(begin, flat.numel()), count,
                       {{"master", zero.master.data_ptr<float>()},
                        {"exp_avg", zero.exp_avg.data_ptr<float>()},
                        {"exp_avg_sq", zero.exp_avg_sq.data_ptr<float>()}},
                       {{"step", zero.steps()}, {"params", flat.numel()}});
  if (mpi.is_root()) {
    save_weights(model, (tmp / "model.safetensors").string());
    write_text(tmp / "trainer_state.json", state.dump(2) + "\n");
    nlohmann::json manifest;
    for (const char* f : kFiles) manifest[f] = file_sha256(tmp / f);
    write_text(tmp / "manifest.json", manifest.dump(2) + "\n");
    fs::remove_all(final_dir);
    fs::rename(tmp, final_dir);
    write_text(fs::path(dir_) / "latest", std::string(name) + "\n");
    auto all = list();
    for (size_t i = static_cast<size_t>(std::max(keep_, 1)); i < all.size(); ++i)
      fs::remove_all(fs::path(dir_) / all[i]);
  }
  mpi.barrier();
  return final_dir.string();
}

std::optional<std::string> CheckpointManager::latest_valid() const {
  std::vector<std::string> candidates;
  std::ifstream in(fs::path(dir_) / "latest");
  std::string latest;
  if (in >> latest) candidates.push_back(latest);
  for (const auto& n : list())
    if (std::find(candidates.begin(), candidates.end(), n) == candidates.end()) candidates.push_back(n);
  for (const auto& n : candidates) {
    const fs::path p = fs::path(dir_) / n;
    try {
      verify(p);
      return p.string();
    } catch (const std::exception& e) {
      spdlog::warn("skipping checkpoint {}: {}", p.string(), e.what());
    }
  }
  return std::nullopt;
}

nlohmann::json CheckpointManager::load(const std::string& path, Vlm& model, Zero2& zero, const FlatParams& flat) const {
  load_weights(model, path + "/model.safetensors");  // bf16 parameters, in the flat buffer
  const std::string opt = path + "/optimizer.h5";
  auto meta = read_array_meta(opt);
  if (meta.at("params").get<int64_t>() != flat.numel())
    throw DataError(opt + ": holds " + std::to_string(meta.at("params").get<int64_t>()) +
                    " parameters, the model has " + std::to_string(flat.numel()));
  const int64_t begin = zero.shard_begin();
  const int64_t count = std::max<int64_t>(0, std::min(flat.shard_size(), flat.numel() - begin));
  for (auto* t : {&zero.master, &zero.exp_avg, &zero.exp_avg_sq}) t->zero_();
  read_array_range(opt, "master", std::min(begin, flat.numel()), count, zero.master.data_ptr<float>());
  read_array_range(opt, "exp_avg", std::min(begin, flat.numel()), count, zero.exp_avg.data_ptr<float>());
  read_array_range(opt, "exp_avg_sq", std::min(begin, flat.numel()), count, zero.exp_avg_sq.data_ptr<float>());
  zero.set_steps(meta.at("step").get<int64_t>());
  std::ifstream in(path + "/trainer_state.json");
  return nlohmann::json::parse(in);
}

}  // namespace cf
