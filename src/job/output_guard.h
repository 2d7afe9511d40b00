// Guards io.output: a stage never writes into its input, nor into a directory that another
// stage (or no cornerforge stage) owns. Ownership is the marker file <output>/.cornerforge.json.
#pragma once
#include <string>

#include "core/config.h"

namespace cf {

inline constexpr const char* kStageMarker = ".cornerforge.json";

// Throws ConfigError when `output` is empty, equals `input`, or belongs to someone else.
void check_output_dir(const std::string& stage, const std::string& input, const std::string& output);
// Creates the directory, writes the marker and the effective config (config.toml).
void claim_output_dir(const std::string& stage, const Config& cfg);

// Test hook (tests/mpi/job_contract.sh): CF_DEBUG_CLAIM_DELAY_MS in the environment; rank 0 then
// holds the half-made directory that long inside claim_output_dir, and job_main makes the other
// ranks check half-way through, which a check racing the claim would refuse. 0 when unset.
int claim_delay_ms();

}  // namespace cf
