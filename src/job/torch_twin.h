// LibTorch twins. A stage whose optional backends need LibTorch (segment: sam, retrieve/build-db:
// torchscript, caption: model) is built twice: cf-<stage>, which does not load LibTorch (its
// start-up costs ~0.1 s instead of ~0.45 s of CPU per rank), and cf-<stage>-torch with every
// backend. cf-<stage> re-executes itself as its twin, with the same arguments and before MPI
// starts, when the config asks for a LibTorch backend; users only ever call cf-<stage>.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace cf {

class Config;
class ConfigSchema;

struct TorchTwin {
  std::string executable;                          // e.g. "cf-segment-torch", beside this one
  std::function<bool(const Config&)> needs_torch;  // true: run the twin
};

// Loads the config (a config error returns, for the caller to report); when twin.needs_torch
// says so, execv's the twin found next to /proc/self/exe with `argv`. Exits 2 with a message
// naming the twin when it is missing or cannot be executed. Returns when the twin is not needed.
void exec_torch_twin_if_needed(const TorchTwin& twin, const ConfigSchema& schema, const std::string& config_path,
                               const std::vector<std::string>& overrides, char** argv);

}  // namespace cf
