// Stable hashes for provenance and dedupe (OpenSSL SHA-256; never std::hash, which may differ
// between builds).
#pragma once
#include <cstddef>
#include <string>

namespace cf {

// Incremental SHA-256; hex() finishes it.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256& add(const void* data, size_t n);
  Sha256& add(const std::string& s);  // length-prefixed, so ("ab","c") != ("a","bc")
  std::string hex();

 private:
  void* ctx_;
};

std::string sha256_hex(const std::string& bytes);

}  // namespace cf
