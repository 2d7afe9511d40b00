// Small RAII layer over the HDF5 C API (the parallel build ships no C++ API).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <hdf5.h>

namespace cf::h5 {

// Owns one hid_t and closes it with the matching H5*close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close, const std::string& what);  // throws DataError if id < 0
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }
  void reset();

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
};

void silence_errors();  // HDF5 prints its error stack by default; we report errors ourselves
void check(herr_t status, const std::string& what);

Handle create_group(hid_t parent, const std::string& name);
// 1-D dataset of `n` elements of `type`; chunked + fletcher32 (+ gzip when level > 0) if n > 0.
void write_1d(hid_t parent, const std::string& name, hid_t type, const void* data, size_t n, int gzip_level);
size_t length_1d(hid_t parent, const std::string& name);
void read_1d(hid_t parent, const std::string& name, hid_t type, void* out);

void write_attr_i64(hid_t obj, const std::string& name, int64_t v);
void write_attr_str(hid_t obj, const std::string& name, const std::string& v);
bool has_attr(hid_t obj, const std::string& name);
int64_t read_attr_i64(hid_t obj, const std::string& name);
std::string read_attr_str(hid_t obj, const std::string& name);

}  // namespace cf::h5
