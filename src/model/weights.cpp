#include "model/weights.h"

#include <set>

#include "core/error.h"
#include "io/safetensors.h"

namespace cf {
namespace {

const char* st_dtype(torch::ScalarType t) {
  switch (t) {
    case torch::kBFloat16: return "BF16";
    case torch::kFloat16: return "F16";
    case torch::kFloat32: return "F32";
    case torch::kFloat64: return "F64";
    default: throw DataError("cannot save parameters of dtype " + std::string(c10::toString(t)));
  }
}

torch::ScalarType torch_dtype(const std::string& d) {
  if (d == "BF16") return torch::kBFloat16;
  if (d == "F16") return torch::kFloat16;
  if (d == "F32") return torch::kFloat32;
  if (d == "F64") return torch::kFloat64;
  throw DataError("unsupported weight dtype " + d);
}

}  // namespace

void save_weights(Vlm& model, const std::string& path) {
  std::vector<torch::Tensor> keep;
  std::vector<TensorBytes> tensors;
  for (const auto& p : model->named_parameters()) {
    auto t = p.value().detach().contiguous();
    keep.push_back(t);
    tensors.push_back({p.key(), st_dtype(t.scalar_type()), t.sizes().vec(), t.data_ptr(),
                       static_cast<size_t>(t.numel()) * t.element_size()});
  }
  write_safetensors(path, tensors, {{"format", "pt"}, {"cornerforge_preset", model->cfg.name}});
}

void load_weights(Vlm& model, const std::string& path) {
  SafetensorsFile file(path);
  torch::NoGradGuard no_grad;
  std::set<std::string> seen;
  std::string missing;
  for (auto& p : model->named_parameters()) {
    auto it = file.tensors().find(p.key());
    if (it == file.tensors().end()) {
      missing += (missing.empty() ? "" : ", ") + p.key();
      continue;
    }
    const TensorBytes& tb = it->second;
    if (tb.shape != p.value().sizes().vec())
      throw DataError("'" + path + "': tensor '" + p.key() + "' has shape " + c10::str(c10::IntArrayRef(tb.shape)) +
                      ", the model expects " + c10::str(p.value().sizes()));
    auto src =
        torch::from_blob(const_cast<void*>(tb.data), tb.shape, torch::TensorOptions().dtype(torch_dtype(tb.dtype)));
    p.value().copy_(src);
    seen.insert(p.key());
  }
  if (!missing.empty()) throw DataError("'" + path + "' lacks tensors: " + missing);
  std::string extra;
  for (const auto& [name, _] : file.tensors())
    if (!seen.count(name)) extra += (extra.empty() ? "" : ", ") + name;
  if (!extra.empty()) throw DataError("'" + path + "' has tensors the model does not: " + extra);
}

}  // namespace cf
