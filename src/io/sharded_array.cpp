#include "io/sharded_array.h"

#include <filesystem>

#include "core/error.h"
#include "io/impl/h5.h"

namespace cf {

using h5::Handle;

void write_sharded_arrays(const std::string& path, MPI_Comm comm, int64_t total, int64_t offset, int64_t count,
                          const std::map<std::string, const float*>& arrays, const nlohmann::json& meta) {
  h5::silence_errors();
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const std::string tmp = path + ".tmp";
  {
    Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access list");
    h5::check(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL), "select MPI-IO");
    Handle f(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), H5Fclose, "create '" + tmp + "'");
    Handle dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "create transfer list");
    h5::check(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "select collective I/O");
    for (const auto& [name, data] : arrays) {
      hsize_t dims[1] = {static_cast<hsize_t>(total)};
      Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create dataspace");
      Handle ds(H5Dcreate2(f, name.c_str(), H5T_NATIVE_FLOAT, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
                "create dataset " + name);
      hsize_t start[1] = {static_cast<hsize_t>(offset)}, n[1] = {static_cast<hsize_t>(count)};
      Handle mem(H5Screate_simple(1, n, nullptr), H5Sclose, "create memory space");
      if (count == 0) {
        H5Sselect_none(space);
        H5Sselect_none(mem);
      } else {
        h5::check(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, n, nullptr), "select range");
      }
      h5::check(H5Dwrite(ds, H5T_NATIVE_FLOAT, mem, space, dxpl, data), "write " + name + " collectively");
    }
    h5::write_attr_str(f, "cf_meta", meta.dump());
    h5::write_attr_i64(f, "cf_total", total);
    h5::write_attr_i64(f, "cf_complete", 1);
  }
  MPI_Barrier(comm);
  if (rank == 0) std::filesystem::rename(tmp, path);
  MPI_Barrier(comm);
}

namespace {
Handle open_complete(const std::string& path) {
  h5::silence_errors();
  Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open '" + path + "'");
  if (!h5::has_attr(f, "cf_complete") || h5::read_attr_i64(f, "cf_complete") != 1)
    throw DataError("'" + path + "' is incomplete");
  return f;
}
}  // namespace

nlohmann::json read_array_meta(const std::string& path) {
  Handle f = open_complete(path);
  return nlohmann::json::parse(h5::read_attr_str(f, "cf_meta"));
}

void read_array_range(const std::string& path, const std::string& name, int64_t offset, int64_t count, float* out) {
  Handle f = open_complete(path);
  const int64_t total = h5::read_attr_i64(f, "cf_total");
  if (offset < 0 || offset + count > total)
    throw DataError("'" + path + "': range [" + std::to_string(offset) + ", " + std::to_string(offset + count) +
                    ") of " + name + " is outside its " + std::to_string(total) + " elements");
  if (count == 0) return;
  Handle ds(H5Dopen2(f, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name + " in '" + path + "'");
  Handle space(H5Dget_space(ds), H5Sclose, "get dataspace");
  hsize_t start[1] = {static_cast<hsize_t>(offset)}, n[1] = {static_cast<hsize_t>(count)};
  h5::check(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, n, nullptr), "select range");
  Handle mem(H5Screate_simple(1, n, nullptr), H5Sclose, "create memory space");
  h5::check(H5Dread(ds, H5T_NATIVE_FLOAT, mem, space, H5P_DEFAULT, out), "read " + name + " of '" + path + "'");
}

}  // namespace cf
