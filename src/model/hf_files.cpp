#include "model/hf_files.h"

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace cf {

HfTensorFiles::HfTensorFiles(const std::string& dir) {
  const std::string index = dir + "/model.safetensors.index.json", single = dir + "/model.safetensors";
  std::map<std::string, std::string> where;  // tensor -> file, from the index
  if (std::filesystem::exists(index)) {
    std::ifstream in(index);
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(in);
      for (auto& [name, file] : j.at("weight_map").items()) where[name] = file.get<std::string>();
    } catch (const nlohmann::json::exception& e) {
      throw DataError("'" + index + "': " + e.what());
    }
    std::set<std::string> names;
    for (const auto& [_, f] : where) names.insert(f);
    files_.assign(names.begin(), names.end());
  } else if (std::filesystem::exists(single)) {
    files_ = {"model.safetensors"};
  } else {
    throw DataError("'" + dir + "' has neither model.safetensors nor model.safetensors.index.json");
  }
  for (const auto& f : files_) {
    open_.push_back(std::make_unique<SafetensorsFile>(dir + "/" + f));
    for (const auto& [name, t] : open_.back()->tensors()) {
      if (!where.empty() && where.count(name) && where[name] != f)
        throw DataError("'" + dir + "/" + f + "': tensor '" + name + "' is indexed in '" + where[name] + "'");
      if (!tensors_.emplace(name, t).second)
        throw DataError("'" + dir + "': tensor '" + name + "' appears in two files");
    }
  }
  for (const auto& [name, f] : where)
    if (!tensors_.count(name)) throw DataError("'" + index + "' lists tensor '" + name + "' but '" + f + "' lacks it");
}

size_t HfTensorFiles::total_bytes() const {
  size_t n = 0;
  for (const auto& [_, t] : tensors_) n += t.nbytes;
  return n;
}

}  // namespace cf
