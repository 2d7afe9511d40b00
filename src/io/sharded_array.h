// Large 1-D float arrays split across ranks (optimizer state): written collectively into one
// HDF5 file with MPI-IO, each rank its own contiguous range at its global offset, so the file
// does not depend on how many ranks wrote it and can be read back at any world size.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include <mpi.h>
#include <nlohmann/json.hpp>

namespace cf {

// Collective over comm. Each array has `total` elements; this rank supplies [offset, offset+count).
// Written to path + ".tmp" and renamed by rank 0.
void write_sharded_arrays(const std::string& path, MPI_Comm comm, int64_t total, int64_t offset, int64_t count,
                          const std::map<std::string, const float*>& arrays, const nlohmann::json& meta);
// Reads elements [offset, offset + count) of array `name` (any rank, no collective).
// Throws DataError naming the file if it is unreadable, incomplete, or the range is outside.
void read_array_range(const std::string& path, const std::string& name, int64_t offset, int64_t count, float* out);
nlohmann::json read_array_meta(const std::string& path);  // also checks completeness

}  // namespace cf
