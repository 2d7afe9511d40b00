// Precompiled header for targets that use LibTorch (parsing torch/torch.h costs ~20 s a file).
#pragma once
#include <torch/torch.h>
