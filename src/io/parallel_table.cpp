#include "io/parallel_table.h"

#include <filesystem>

#include "core/error.h"
#include "io/impl/h5.h"

namespace cf {
namespace {

using h5::Handle;

// Creates a 1-D contiguous dataset of `total` elements and writes elements [begin, end) from
// `data` (which points at element `begin`), collectively.
void write_block(hid_t parent, const std::string& name, hid_t type, hsize_t total, hsize_t begin, hsize_t end,
                 const void* data, hid_t dxpl) {
  hsize_t dims[1] = {total};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create dataspace");
  Handle ds(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
            "create dataset " + name);
  hsize_t count[1] = {end - begin}, start[1] = {begin};
  Handle mem(H5Screate_simple(1, count, nullptr), H5Sclose, "create memory space");
  if (count[0] == 0) {
    H5Sselect_none(space);
    H5Sselect_none(mem);
  } else {
    h5::check(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr), "select rows of " + name);
  }
  h5::check(H5Dwrite(ds, type, mem, space, dxpl, data), "write " + name + " collectively");
}

}  // namespace

void write_table_parallel(const std::string& path, MPI_Comm comm, const Table& table, const nlohmann::json& meta) {
  h5::silence_errors();
  int rank = 0, world = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &world);
  const hsize_t rows = table.rows();
  const hsize_t begin = rows * rank / world, end = rows * (rank + 1) / world;
  const std::string tmp = path + ".tmp";
  {
    Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access list");
    h5::check(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL), "select MPI-IO driver");
    Handle f(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), H5Fclose, "create '" + tmp + "' collectively");
    Handle dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "create transfer list");
    h5::check(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "select collective I/O");
    Handle g = h5::create_group(f, "items");
    for (const auto& [name, c] : table.columns()) {
      if (c.kind == Table::Kind::I64) {
        write_block(g, name, H5T_NATIVE_INT64, rows, begin, end, c.i64.data() + begin, dxpl);
      } else if (c.kind == Table::Kind::F32) {
        write_block(g, name, H5T_NATIVE_FLOAT, rows, begin, end, c.f32.data() + begin, dxpl);
      } else {
        std::vector<int64_t> off{0};
        for (const auto& s : c.bytes) off.push_back(off.back() + static_cast<int64_t>(s.size()));
        std::string mine;
        for (hsize_t r = begin; r < end; ++r) mine += c.bytes[r];
        Handle sub = h5::create_group(g, name);
        h5::write_attr_str(sub, "cf_kind", "bytes");
        write_block(sub, "data", H5T_NATIVE_UINT8, static_cast<hsize_t>(off.back()), static_cast<hsize_t>(off[begin]),
                    static_cast<hsize_t>(off[end]), mine.data(), dxpl);
        const hsize_t off_end = rank == world - 1 ? end + 1 : end;  // last rank adds the sentinel
        write_block(sub, "offsets", H5T_NATIVE_INT64, rows + 1, begin, off_end, off.data() + begin, dxpl);
      }
    }
    h5::write_attr_str(f, "cf_meta", meta.dump());
    h5::write_attr_i64(f, "cf_item_count", static_cast<int64_t>(rows));
    h5::write_attr_i64(f, "cf_complete", 1);
  }
  MPI_Barrier(comm);
  if (rank == 0) {
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw DataError("cannot rename '" + tmp + "': " + ec.message());
  }
  MPI_Barrier(comm);
}

}  // namespace cf
