// Collective write of one table into one HDF5 file with MPI-IO (parallel HDF5): every rank
// holds the whole table and writes its block of rows, so the file costs one pass of I/O spread
// over the ranks. Used for stage-wide files such as the ingest manifest.
#pragma once
#include <string>

#include <mpi.h>
#include <nlohmann/json.hpp>

#include "io/table.h"

namespace cf {

// Collective over `comm`. Layout as a shard's "items" group (no compression: MPI-IO writes
// contiguous datasets); root attribute cf_meta holds `meta`. Written to path + ".tmp", renamed.
void write_table_parallel(const std::string& path, MPI_Comm comm, const Table& table, const nlohmann::json& meta);

}  // namespace cf
