// Building the chain of a tokenizer.json "Sequence" part (normalizers, pre_tokenizers,
// decoders): every entry through the part's factory, JSON nulls skipped.
#pragma once
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

namespace cf::tokenize::hf {

template <typename T>
std::vector<std::unique_ptr<T>> make_parts(const nlohmann::json& list,
                                           std::unique_ptr<T> (*make)(const nlohmann::json&)) {
  std::vector<std::unique_ptr<T>> out;
  for (const auto& j : list)
    if (auto p = make(j)) out.push_back(std::move(p));
  return out;
}

}  // namespace cf::tokenize::hf
