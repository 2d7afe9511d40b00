// One merged-dataset shard -> one token shard (columns in docs/stages/tokenizer.md).
// A sample that does not fit (more than max_length ids, or n_images disagreeing with its rows
// in the images table) becomes a failure record; every input sample ends up exactly once in
// the output items or failures, and images follow their samples with item_row renumbered.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "io/shard.h"
#include "tokenize/chat_template.h"

namespace cf::tokenize {

struct EncodeOptions {
  int64_t image_tokens = 64;
  int64_t max_length = 2048;
  int threads = 1;
  int64_t item_delay_ms = 0;  // debug: sleep per sample
  std::string stage = "tokenize";
  std::string source;  // the input shard, named in failure records
};

// Throws DataError naming `options.source` when a required column is missing.
// `done(n)` is called as samples finish (progress).
Shard encode_shard(const Shard& input, const Encoder& encode, const SpecialIds& special, const EncodeOptions& options,
                   const std::function<void(int64_t)>& done = {});

}  // namespace cf::tokenize
