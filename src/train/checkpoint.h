// Checkpoint-restart. A checkpoint is a directory step-NNNNNNNN/ with
//   model.safetensors   bf16 weights (rank 0),
//   optimizer.h5        fp32 master weights and Adam moments at global offsets, written
//                       collectively (parallel HDF5), so it loads at any world size,
//   trainer_state.json  step, epoch, data cursor, seed, schedule, metrics,
//   manifest.json       SHA-256 of the three files (written last).
// It is written as step-N.tmp/, renamed, and only then `latest` (a one-line file) is updated.
// Loading verifies every checksum; a damaged checkpoint is skipped for the previous one.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "comm/mpi_runtime.h"
#include "model/modules.h"
#include "train/flat_params.h"
#include "train/zero2.h"

namespace cf {

class CheckpointManager {
 public:
  CheckpointManager(std::string dir, int keep);
  // Collective. `state` is stored as trainer_state.json (rank 0's copy).
  std::string save(const MpiRuntime& mpi, Vlm& model, Zero2& zero, const FlatParams& flat, int64_t step,
                   const nlohmann::json& state);
  // Newest checkpoint whose files match their manifest (checked on the calling rank).
  std::optional<std::string> latest_valid() const;
  // Loads weights, this rank's optimizer shard (for the current world size) and returns the state.
  nlohmann::json load(const std::string& path, Vlm& model, Zero2& zero, const FlatParams& flat) const;

 private:
  std::vector<std::string> list() const;  // step-* directories, newest first
  std::string dir_;
  int keep_;
};

}  // namespace cf
