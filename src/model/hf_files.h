// The safetensors files of an HF checkpoint directory: model.safetensors, or the shards listed
// by model.safetensors.index.json. All files are memory-mapped (nothing is read until a tensor's
// bytes are touched). Torch-free.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/safetensors.h"

namespace cf {

class HfTensorFiles {
 public:
  explicit HfTensorFiles(const std::string& dir);  // throws DataError naming the file or tensor
  const std::map<std::string, TensorBytes>& tensors() const { return tensors_; }
  const std::vector<std::string>& files() const { return files_; }
  size_t total_bytes() const;  // sum of the tensors' bytes

 private:
  std::vector<std::unique_ptr<SafetensorsFile>> open_;
  std::vector<std::string> files_;
  std::map<std::string, TensorBytes> tensors_;
};

}  // namespace cf
