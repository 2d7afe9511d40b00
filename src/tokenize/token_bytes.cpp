#include "tokenize/token_bytes.h"

#include <stdexcept>

namespace cf::tokenize {

std::string ids_to_bytes(const std::vector<int32_t>& ids) {
  std::string out(ids.size() * 4, '\0');
  for (size_t i = 0; i < ids.size(); ++i) {
    const uint32_t v = static_cast<uint32_t>(ids[i]);
    for (int b = 0; b < 4; ++b) out[4 * i + b] = static_cast<char>((v >> (8 * b)) & 0xFF);
  }
  return out;
}

std::vector<int32_t> ids_from_bytes(const std::string& bytes) {
  if (bytes.size() % 4 != 0)
    throw std::invalid_argument("token id array of " + std::to_string(bytes.size()) +
                                " bytes is not a multiple of 4 (int32 little-endian)");
  std::vector<int32_t> ids(bytes.size() / 4);
  for (size_t i = 0; i < ids.size(); ++i) {
    uint32_t v = 0;
    for (int b = 0; b < 4; ++b) v |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[4 * i + b])) << (8 * b);
    ids[i] = static_cast<int32_t>(v);
  }
  return ids;
}

std::string mask_to_bytes(const std::vector<uint8_t>& mask) { return std::string(mask.begin(), mask.end()); }

std::vector<uint8_t> mask_from_bytes(const std::string& bytes) {
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

}  // namespace cf::tokenize
