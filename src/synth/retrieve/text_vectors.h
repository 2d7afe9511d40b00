// Precomputed text embeddings for cf-build-db (e.g. CLIP text vectors of class prompts), added
// to the database beside the image exemplars. Two formats:
//  - JSONL, one {"label": name, "vector": [floats]} per line;
//  - .npy (little-endian float32 or float64, C order, shape (n, d)) with a labels file of n
//    lines, one label each.
// Vectors are L2-normalized on load.
#pragma once
#include <string>
#include <vector>

namespace cf::retrieve {

struct TextVectors {
  int dim = 0;
  std::vector<std::string> labels;
  std::vector<std::string> sources;  // "file:line" or "file[row]"
  std::vector<float> vectors;        // labels.size() x dim
};

// Throws cf::ConfigError naming the file (and line) on bad input.
TextVectors load_text_vectors(const std::string& path, const std::string& labels_path);

// Reads a 2-D float32/float64 .npy as float32; throws cf::ConfigError naming the file.
std::vector<float> read_npy_matrix(const std::string& path, int64_t* rows, int64_t* cols);

}  // namespace cf::retrieve
