// Token arrays as shard byte columns: input_ids are int32 little-endian, loss_mask uint8.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cf::tokenize {

std::string ids_to_bytes(const std::vector<int32_t>& ids);
// Throws std::invalid_argument when the length is not a multiple of 4.
std::vector<int32_t> ids_from_bytes(const std::string& bytes);

std::string mask_to_bytes(const std::vector<uint8_t>& mask);
std::vector<uint8_t> mask_from_bytes(const std::string& bytes);

}  // namespace cf::tokenize
