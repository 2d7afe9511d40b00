#include "model/hf_checkpoint.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/error.h"
#include "io/safetensors.h"
#include "model/hf_names.h"

namespace cf {
namespace {

torch::ScalarType st_to_torch(const std::string& d, const std::string& tensor) {
  static const std::map<std::string, torch::ScalarType> m = {
      {"BF16", torch::kBFloat16}, {"F16", torch::kHalf}, {"F32", torch::kFloat}, {"F64", torch::kDouble}};
  auto it = m.find(d);
  if (it == m.end())
    throw DataError("tensor '" + tensor + "' has dtype " + d + "; weights must be BF16, F16, F32 or F64");
  return it->second;
}

const char* torch_to_st(torch::ScalarType t) {
  switch (t) {
    case torch::kBFloat16: return "BF16";
    case torch::kHalf: return "F16";
    case torch::kFloat: return "F32";
    default: throw ConfigError("cannot save weights as " + std::string(c10::toString(t)));
  }
}

// Drops the mapped pages of [p, p + n) from this process (they stay in the page cache).
void release_pages(const void* p, size_t n) {
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t lo = (reinterpret_cast<uintptr_t>(p) + page - 1) & ~(page - 1);
  const uintptr_t hi = (reinterpret_cast<uintptr_t>(p) + n) & ~(page - 1);
  if (hi > lo) madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_DONTNEED);
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

torch::ScalarType weight_dtype(const TensorBytes& t) { return st_to_torch(t.dtype, t.name); }

torch::ScalarType parse_dtype(const std::string& n) {
  if (n == "auto") return torch::ScalarType::Undefined;
  if (n == "fp32" || n == "float32") return torch::kFloat;
  if (n == "bf16" || n == "bfloat16") return torch::kBFloat16;
  if (n == "fp16" || n == "float16") return torch::kHalf;
  throw ConfigError("dtype '" + n + "' is not one of auto, fp32, bf16, fp16");
}

std::string hf_dtype_name(torch::ScalarType t) {
  if (t == torch::kFloat) return "float32";
  if (t == torch::kBFloat16) return "bfloat16";
  if (t == torch::kHalf) return "float16";
  throw ConfigError("no HF torch_dtype for " + std::string(c10::toString(t)));
}

void load_hf_weights(Vlm& model, const HfTensorFiles& files, const std::string& dir) {
  const bool llava = model->cfg.has_vision;
  struct Copy {
    torch::Tensor param;
    const TensorBytes* src;
  };
  std::vector<Copy> copies;
  std::vector<std::string> missing, wrong, extra;
  std::set<std::string> used;
  for (auto& p : model->named_parameters()) {
    std::vector<std::string> names = {hf_name(p.key(), llava)};
    for (auto& a : hf_name_aliases(p.key(), llava)) names.push_back(a);
    const TensorBytes* src = nullptr;
    for (const auto& n : names) {
      auto it = files.tensors().find(n);
      if (it != files.tensors().end()) {
        src = &it->second;
        used.insert(n);
        break;
      }
    }
    if (!src) {
      missing.push_back(names[0]);
      continue;
    }
    st_to_torch(src->dtype, src->name);
    if (src->shape != p.value().sizes().vec())
      wrong.push_back(src->name + " " + c10::str(c10::IntArrayRef(src->shape)) + " (expected " +
                      c10::str(p.value().sizes()) + ")");
    copies.push_back({p.value(), src});
  }
  for (const auto& [name, _] : files.tensors())
    if (!used.count(name) && !hf_ignored(name, model->cfg.text.tie_embeddings)) extra.push_back(name);
  std::string err;
  if (!missing.empty()) err += "; missing tensors: " + join(missing);
  if (!wrong.empty()) err += "; wrong shapes: " + join(wrong);
  if (!extra.empty()) err += "; unexpected tensors: " + join(extra);
  if (!err.empty())
    throw DataError("HF checkpoint '" + dir + "' does not fit the model" + err + " (nothing was loaded)");
  // Copy in chunks, releasing each chunk's mapped pages, so at most one chunk of the file is
  // resident besides the parameters.
  constexpr int64_t kChunkBytes = 16 << 20;
  torch::NoGradGuard no_grad;
  for (auto& c : copies) {
    const auto type = st_to_torch(c.src->dtype, c.src->name);
    auto src = torch::from_blob(const_cast<void*>(c.src->data), {c.param.numel()}, torch::TensorOptions().dtype(type));
    auto dst = c.param.view({-1});
    const int64_t step = std::max<int64_t>(1, kChunkBytes / static_cast<int64_t>(c10::elementSize(type)));
    for (int64_t lo = 0; lo < dst.numel(); lo += step) {
      const int64_t hi = std::min(dst.numel(), lo + step);
      dst.slice(0, lo, hi).copy_(src.slice(0, lo, hi));
      release_pages(static_cast<const char*>(c.src->data) + lo * c10::elementSize(type),
                    (hi - lo) * c10::elementSize(type));
    }
  }
}

HfModel load_hf_checkpoint(const std::string& dir, torch::ScalarType dtype) {
  HfModel r;
  r.config = read_hf_config(dir);
  HfTensorFiles files(dir);
  if (dtype == torch::ScalarType::Undefined) {
    if (!r.config.torch_dtype.empty()) dtype = parse_dtype(r.config.torch_dtype);
    else if (!files.tensors().empty()) dtype = weight_dtype(files.tensors().begin()->second);
    else dtype = torch::kFloat;
  }
  r.model = make_vlm(r.config.model, dtype);
  load_hf_weights(r.model, files, dir);
  return r;
}

void save_hf_checkpoint(Vlm& model, const std::string& dir, const nlohmann::json& base, const HfSaveOptions& o) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(dir)) {  // stale weights would shadow or mix with ours
    const std::string f = e.path().filename().string();
    if (f.rfind("model", 0) == 0 && (e.path().extension() == ".safetensors" || f == "model.safetensors.index.json"))
      fs::remove(e.path());
  }
  std::map<std::string, torch::Tensor> params;  // HF name -> parameter, in the files' (sorted) order
  torch::ScalarType dtype = o.dtype;
  for (auto& p : model->named_parameters()) {
    params[hf_name(p.key(), model->cfg.has_vision)] = p.value();
    if (dtype == torch::ScalarType::Undefined) dtype = p.value().scalar_type();
  }
  const int64_t esize = static_cast<int64_t>(c10::elementSize(dtype));
  std::vector<std::vector<std::string>> shards(1);
  int64_t cur = 0, total = 0;
  for (const auto& [name, t] : params) {
    const int64_t bytes = t.numel() * esize;
    if (cur > 0 && cur + bytes > o.max_shard_bytes) {
      shards.emplace_back();
      cur = 0;
    }
    shards.back().push_back(name);
    cur += bytes;
    total += bytes;
  }
  nlohmann::ordered_json weight_map;
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < shards.size(); ++i) {
    char file[64];
    std::snprintf(file, sizeof file, "model-%05zu-of-%05zu.safetensors", i + 1, shards.size());
    const std::string name = shards.size() == 1 ? "model.safetensors" : file;
    std::vector<torch::Tensor> keep;
    std::vector<TensorBytes> out;
    for (const auto& n : shards[i]) {
      keep.push_back(params[n].detach().to(dtype).contiguous());
      const auto& t = keep.back();
      out.push_back(
          {n, torch_to_st(dtype), t.sizes().vec(), t.data_ptr(), static_cast<size_t>(t.numel()) * t.element_size()});
      weight_map[n] = name;
    }
    write_safetensors(dir + "/" + name, out, {{"format", "pt"}});
  }
  if (shards.size() > 1) {
    std::ofstream idx(dir + "/model.safetensors.index.json");
    idx << nlohmann::ordered_json{{"metadata", {{"total_size", total}}}, {"weight_map", weight_map}}.dump(2) << "\n";
  }
  std::ofstream cfg(dir + "/config.json");
  cfg << make_hf_config(model->cfg, hf_dtype_name(dtype), base).dump(2) << "\n";
  if (!cfg) throw DataError("cannot write '" + dir + "/config.json'");
}

}  // namespace cf
