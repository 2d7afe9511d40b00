#include "io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace cf {

size_t dtype_size(const std::string& d) {
  static const std::map<std::string, size_t> sizes = {{"BOOL", 1}, {"U8", 1},   {"I8", 1},  {"I16", 2}, {"U16", 2},
                                                      {"F16", 2},  {"BF16", 2}, {"I32", 4}, {"U32", 4}, {"F32", 4},
                                                      {"F64", 8},  {"I64", 8},  {"U64", 8}};
  auto it = sizes.find(d);
  if (it == sizes.end()) throw DataError("unknown safetensors dtype '" + d + "'");
  return it->second;
}

void write_safetensors(const std::string& path, const std::vector<TensorBytes>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::vector<const TensorBytes*> sorted;
  for (const auto& t : tensors) sorted.push_back(&t);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name < b->name; });
  nlohmann::ordered_json header;
  if (!metadata.empty()) header["__metadata__"] = metadata;
  size_t offset = 0;
  for (const auto* t : sorted) {
    size_t expect = dtype_size(t->dtype);
    for (auto d : t->shape) expect *= static_cast<size_t>(d);
    if (expect != t->nbytes) throw DataError("tensor '" + t->name + "': shape and byte size disagree");
    header[t->name] = {{"dtype", t->dtype}, {"shape", t->shape}, {"data_offsets", {offset, offset + t->nbytes}}};
    offset += t->nbytes;
  }
  std::string h = header.dump();
  h.append((8 - h.size() % 8) % 8, ' ');  // align the data section to 8 bytes
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    uint64_t n = h.size();
    out.write(reinterpret_cast<const char*>(&n), 8);  // little-endian hosts only (x86, arm64)
    out.write(h.data(), static_cast<std::streamsize>(h.size()));
    for (const auto* t : sorted) out.write(static_cast<const char*>(t->data), static_cast<std::streamsize>(t->nbytes));
    out.flush();
    if (!out) throw DataError("cannot write '" + tmp + "'");
  }
  std::filesystem::rename(tmp, path);
}

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw DataError("cannot open safetensors file '" + path + "'");
  struct stat st {};
  fstat(fd, &st);
  size_ = static_cast<size_t>(st.st_size);
  if (size_ >= 8) map_ = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (size_ < 8 || map_ == MAP_FAILED) {
    map_ = nullptr;
    throw DataError("'" + path + "' is too short or cannot be mapped");
  }
  const auto* base = static_cast<const char*>(map_);
  uint64_t n = 0;
  std::memcpy(&n, base, 8);
  if (n > size_ - 8) throw DataError("'" + path + "': header length beyond the end (truncated file)");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(base + 8, base + 8 + n);
  } catch (const nlohmann::json::exception& e) {
    throw DataError("'" + path + "': bad header: " + e.what());
  }
  const char* data = base + 8 + n;
  const size_t data_size = size_ - 8 - n;
  for (auto& [name, v] : header.items()) {
    if (name == "__metadata__") {
      for (auto& [k, s] : v.items()) metadata_[k] = s.get<std::string>();
      continue;
    }
    TensorBytes t;
    t.name = name;
    t.dtype = v.at("dtype").get<std::string>();
    t.shape = v.at("shape").get<std::vector<int64_t>>();
    auto off = v.at("data_offsets").get<std::vector<size_t>>();
    size_t expect = dtype_size(t.dtype);
    for (auto d : t.shape) expect *= static_cast<size_t>(d);
    if (off.size() != 2 || off[1] < off[0] || off[1] > data_size || off[1] - off[0] != expect)
      throw DataError("'" + path + "': tensor '" + name + "' has bad offsets (truncated or corrupt file)");
    t.data = data + off[0];
    t.nbytes = expect;
    tensors_[name] = t;
  }
}

SafetensorsFile::~SafetensorsFile() {
  if (map_) munmap(map_, size_);
}

const TensorBytes& SafetensorsFile::at(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) throw DataError("'" + path_ + "' has no tensor '" + name + "'");
  return it->second;
}

}  // namespace cf
