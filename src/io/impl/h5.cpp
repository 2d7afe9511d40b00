#include "io/impl/h5.h"

#include <algorithm>

#include "core/error.h"

namespace cf::h5 {

Handle::Handle(hid_t id, Closer close, const std::string& what) : id_(id), close_(close) {
  if (id < 0) throw DataError("HDF5: cannot " + what);
}

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = -1;
  }
  return *this;
}

void Handle::reset() {
  if (id_ >= 0 && close_) close_(id_);
  id_ = -1;
}

void silence_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

void check(herr_t status, const std::string& what) {
  if (status < 0) throw DataError("HDF5: cannot " + what);
}

Handle create_group(hid_t parent, const std::string& name) {
  return Handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                "create group " + name);
}

void write_1d(hid_t parent, const std::string& name, hid_t type, const void* data, size_t n, int gzip_level) {
  hsize_t dims[1] = {n};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create dataspace");
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create property list");
  if (n > 0) {
    // ~1 MiB chunks: large enough for gzip, small enough to read a slice cheaply.
    size_t elem = H5Tget_size(type);
    hsize_t chunk[1] = {std::max<hsize_t>(1, std::min<hsize_t>(n, (1u << 20) / elem))};
    check(H5Pset_chunk(dcpl, 1, chunk), "set chunking for " + name);
    check(H5Pset_fletcher32(dcpl), "set fletcher32 for " + name);
    if (gzip_level > 0) check(H5Pset_deflate(dcpl, static_cast<unsigned>(gzip_level)), "set gzip");
  }
  Handle ds(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose,
            "create dataset " + name);
  if (n > 0) check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + name);
}

size_t length_1d(hid_t parent, const std::string& name) {
  Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "open dataset " + name);
  Handle space(H5Dget_space(ds), H5Sclose, "get dataspace of " + name);
  if (H5Sget_simple_extent_ndims(space) != 1) throw DataError("dataset " + name + " is not 1-D");
  hsize_t dims[1];
  H5Sget_simple_extent_dims(space, dims, nullptr);
  return static_cast<size_t>(dims[0]);
}

void read_1d(hid_t parent, const std::string& name, hid_t type, void* out) {
  Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "open dataset " + name);
  // A fletcher32 mismatch or a truncated chunk makes H5Dread fail here.
  check(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out), "read dataset " + name + " (corrupt or truncated data)");
}

void write_attr_i64(hid_t obj, const std::string& name, int64_t v) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle a(H5Acreate2(obj, name.c_str(), H5T_NATIVE_INT64, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
           "create attribute " + name);
  check(H5Awrite(a, H5T_NATIVE_INT64, &v), "write attribute " + name);
}

void write_attr_str(hid_t obj, const std::string& name, const std::string& v) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(type, std::max<size_t>(1, v.size())), "size string type");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "set utf-8");
  check(H5Tset_strpad(type, H5T_STR_NULLPAD), "set string padding");
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle a(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, "create attribute " + name);
  std::string buf = v.empty() ? std::string(1, '\0') : v;
  check(H5Awrite(a, type, buf.data()), "write attribute " + name);
}

bool has_attr(hid_t obj, const std::string& name) { return H5Aexists(obj, name.c_str()) > 0; }

int64_t read_attr_i64(hid_t obj, const std::string& name) {
  Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, "open attribute " + name);
  int64_t v = 0;
  check(H5Aread(a, H5T_NATIVE_INT64, &v), "read attribute " + name);
  return v;
}

std::string read_attr_str(hid_t obj, const std::string& name) {
  Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, "open attribute " + name);
  Handle ftype(H5Aget_type(a), H5Tclose, "get type of " + name);
  size_t n = H5Tget_size(ftype);
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(type, n), "size string type");
  check(H5Tset_cset(type, H5Tget_cset(ftype)), "set character set");
  check(H5Tset_strpad(type, H5T_STR_NULLPAD), "set string padding");
  std::string s(n, '\0');
  check(H5Aread(a, type, s.data()), "read attribute " + name);
  s.resize(std::find(s.begin(), s.end(), '\0') - s.begin());
  return s;
}

}  // namespace cf::h5
