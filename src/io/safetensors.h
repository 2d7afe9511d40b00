// safetensors files (https://github.com/huggingface/safetensors format): an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}},
// then the raw tensor bytes. Torch-free: the model layer converts to and from tensors.
// Reading memory-maps the file, so a checkpoint is not held twice.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cf {

struct TensorBytes {
  std::string name;
  std::string dtype;  // "BF16", "F16", "F32", "F64", "I64", "I32", "U8", ...
  std::vector<int64_t> shape;
  const void* data = nullptr;  // not owned
  size_t nbytes = 0;
};

size_t dtype_size(const std::string& dtype);  // throws DataError for unknown dtypes

// Writes tensors (sorted by name, as the reference implementation does) to path + ".tmp", then
// renames. `metadata` goes to "__metadata__" (string values only, per the format).
void write_safetensors(const std::string& path, const std::vector<TensorBytes>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::string& path);  // throws DataError naming the file
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::map<std::string, TensorBytes>& tensors() const { return tensors_; }
  const TensorBytes& at(const std::string& name) const;  // throws DataError naming it
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  std::string path_;
  void* map_ = nullptr;
  size_t size_ = 0;
  std::map<std::string, TensorBytes> tensors_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace cf
