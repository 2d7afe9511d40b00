// HDF5 shard store: one file per shard per stage.
//
// A shard holds the items a stage produced for one slice of the input (table "items"), the
// failure records of that slice (table "failures": item_id, source, stage, reason, kind), and
// a completion record (root attributes: item count, failure count, CRC-32 of the content).
// Files are written under a temporary name and renamed when complete, so a file with the final
// name is either complete or damaged afterwards, which the checksum detects. The schema is in
// docs/formats.md.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/table.h"

namespace cf {

struct FailureRecord {
  std::string item_id;         // stable id of the item (e.g. relative path of the input file)
  std::string source;          // input file or upstream shard the item came from
  std::string stage;           // stage that failed it
  std::string reason;          // human-readable cause
  std::string kind = "error";  // "error", or "duplicate" for items dropped on purpose
};

struct Shard {
  std::string stage;
  Table items;
  std::vector<FailureRecord> failures;
  // Further tables with their own row counts, e.g. "regions" (many per item, with an
  // "item_row" column pointing into items). Stored under /tables/<name>.
  std::map<std::string, Table> tables;
  nlohmann::json meta = nlohmann::json::object();  // stage-specific provenance (plan hash, ...)
};

inline constexpr const char* kShardFormat = "cornerforge-shard-1";

// Writes `shard` to `path` atomically (path + ".tmp", then rename). Throws DataError.
void write_shard(const std::string& path, const Shard& shard);
// Reads a shard and verifies its completion record and checksum. Throws DataError naming the file.
Shard read_shard(const std::string& path);

struct ShardStatus {
  bool complete = false;
  std::string reason;  // why not complete
  std::string stage;
  int64_t items = 0, failures = 0;
  nlohmann::json meta;
};
// Cheap check of the completion record only (no checksum pass): used to skip finished shards.
ShardStatus shard_status(const std::string& path);

// "shard-000042.h5"
std::string shard_file_name(int64_t index);

}  // namespace cf
