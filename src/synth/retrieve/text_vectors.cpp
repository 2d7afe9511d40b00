#include "synth/retrieve/text_vectors.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace cf::retrieve {
namespace {

void normalize(float* v, int d) {
  double n = 0;
  for (int i = 0; i < d; ++i) n += double(v[i]) * v[i];
  if (n <= 0) return;
  const float inv = static_cast<float>(1 / std::sqrt(n));
  for (int i = 0; i < d; ++i) v[i] *= inv;
}

}  // namespace

std::vector<float> read_npy_matrix(const std::string& path, int64_t* rows, int64_t* cols) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("'" + path + "' cannot be read");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (all.size() < 10 || all.compare(0, 6, "\x93NUMPY") != 0) throw ConfigError("'" + path + "' is not a .npy file");
  const int major = static_cast<unsigned char>(all[6]);
  size_t hlen, hstart;
  if (major == 1) {
    hlen = static_cast<unsigned char>(all[8]) | static_cast<unsigned char>(all[9]) << 8;
    hstart = 10;
  } else {
    if (all.size() < 12) throw ConfigError("'" + path + "' has a truncated .npy header");
    uint32_t l;
    std::memcpy(&l, all.data() + 8, 4);
    hlen = l;
    hstart = 12;
  }
  if (all.size() < hstart + hlen) throw ConfigError("'" + path + "' has a truncated .npy header");
  const std::string header = all.substr(hstart, hlen);
  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([<|]f[48])'")))
    throw ConfigError("'" + path + "': only little-endian float32/float64 .npy is supported");
  const size_t width = m[1].str()[2] == '4' ? 4 : 8;
  if (header.find("'fortran_order': False") == std::string::npos)
    throw ConfigError("'" + path + "': Fortran-order .npy is not supported");
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\((\\d+),\\s*(\\d+)\\)")))
    throw ConfigError("'" + path + "': .npy must hold a 2-D array (rows, dim)");
  *rows = std::stoll(m[1]);
  *cols = std::stoll(m[2]);
  const size_t n = static_cast<size_t>(*rows * *cols);
  const char* data = all.data() + hstart + hlen;
  if (all.size() - hstart - hlen != n * width) throw ConfigError("'" + path + "': data size does not match shape");
  std::vector<float> out(n);
  for (size_t i = 0; i < n; ++i) {
    if (width == 4) {
      std::memcpy(&out[i], data + 4 * i, 4);
    } else {
      double d;
      std::memcpy(&d, data + 8 * i, 8);
      out[i] = static_cast<float>(d);
    }
  }
  return out;
}

TextVectors load_text_vectors(const std::string& path, const std::string& labels_path) {
  TextVectors tv;
  const std::string name = path.substr(path.find_last_of('/') + 1);
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".npy") == 0) {
    int64_t rows, cols;
    tv.vectors = read_npy_matrix(path, &rows, &cols);
    tv.dim = static_cast<int>(cols);
    if (labels_path.empty())
      throw ConfigError("build_db.text_vectors '" + path +
                        "' is .npy: set build_db.text_labels "
                        "(a text file with one label per row)");
    std::ifstream in(labels_path);
    if (!in) throw ConfigError("build_db.text_labels '" + labels_path + "' cannot be read");
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) tv.labels.push_back(line);
    if (static_cast<int64_t>(tv.labels.size()) != rows)
      throw ConfigError("build_db.text_labels '" + labels_path + "' has " + std::to_string(tv.labels.size()) +
                        " labels for " + std::to_string(rows) + " rows of '" + path + "'");
    for (int64_t i = 0; i < rows; ++i) tv.sources.push_back(name + "[" + std::to_string(i) + "]");
  } else {
    std::ifstream in(path);
    if (!in) throw ConfigError("build_db.text_vectors '" + path + "' cannot be read");
    std::string line;
    for (int lineno = 1; std::getline(in, line); ++lineno) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        auto j = nlohmann::json::parse(line);
        auto v = j.at("vector").get<std::vector<float>>();
        if (tv.dim == 0) tv.dim = static_cast<int>(v.size());
        if (v.empty() || static_cast<int>(v.size()) != tv.dim)
          throw Error("vector has " + std::to_string(v.size()) + " values, expected " + std::to_string(tv.dim));
        tv.labels.push_back(j.at("label").get<std::string>());
        tv.sources.push_back(name + ":" + std::to_string(lineno));
        tv.vectors.insert(tv.vectors.end(), v.begin(), v.end());
      } catch (const std::exception& e) {
        throw ConfigError(path + ":" + std::to_string(lineno) + ": " + e.what());
      }
    }
  }
  for (size_t i = 0; i < tv.labels.size(); ++i) normalize(tv.vectors.data() + i * tv.dim, tv.dim);
  return tv;
}

}  // namespace cf::retrieve
