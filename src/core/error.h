// Exceptions of cornerforge. Every message names what failed and where (file, key, item).
#pragma once
#include <stdexcept>
#include <string>

namespace cf {

// Base of every error we throw on purpose; the job harness turns it into a non-zero exit.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A configuration or command-line problem: the user must change an input, retrying won't help.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// Data on disk is unreadable, incomplete or fails its checksum.
class DataError : public Error {
 public:
  using Error::Error;
};

}  // namespace cf
