// Image -> model input: decode, resize to size x size (bicubic), RGB, scale to [0, 1],
// normalize with CLIP's mean and std. Returns CHW floats. Throws MediaError.
#pragma once
#include <string>
#include <vector>

namespace cf::media {

std::vector<float> jpeg_to_model_input(const std::string& bytes, int size);

}  // namespace cf::media
