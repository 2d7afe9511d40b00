// run.device: where a job that runs the model (cf-train, cf-generate, cf-caption's `model`
// backend) puts it. The one place that decides a rank's device: "auto" = CUDA when LibTorch
// sees a GPU, else the CPU; one rank per GPU, a rank takes the GPU of its node-local rank.
// `cuda` without a GPU, or more ranks on a node than GPUs, is a ConfigError (exit 2) that names
// the setting. The key itself is declared by job/ (declare_device_config, torch-free).
#pragma once
#include <string>

#include <torch/torch.h>

#include "core/config.h"

namespace cf {

// The device of node-local rank `local_rank` of `local_size` for `setting` ("auto", "cpu",
// "cuda") on a node where LibTorch sees `gpus` CUDA devices. Pure: tested without a GPU.
torch::Device resolve_device(const std::string& setting, int64_t gpus, int local_rank, int local_size);

// run.device of `config`, resolved with LibTorch's CUDA device count.
torch::Device job_device(const Config& config, int local_rank, int local_size);

// Until the CUDA step lands (issue 15) the jobs run on the CPU only: an explicit run.device =
// "cuda" is a ConfigError naming the setting; "auto" that found a GPU falls back to the CPU with
// a warning (as before run.device existed).
void cpu_until_cuda_path(const torch::Device& device, const std::string& setting, const std::string& job);

}  // namespace cf
