// Builds the QaInput of each caption row (io.input) joined by item_id with its retrieve row
// (io.retrieve: every region with descriptions), and picks the rows that get QA: every still
// image, and for a clip only its first available frame (lowest frame_index in the shard).
#pragma once
#include <string>
#include <vector>

#include "io/shard.h"
#include "synth/qa/qa_types.h"

namespace cf::synth {

struct QaItem {
  QaInput in;
  std::string source;
  bool generate = true;  // false for clip frames after the first
  bool clip_first = false;
  std::string reason;  // join failure
};

std::vector<QaItem> qa_items(const Shard& caption, const Shard& retrieve, int64_t shard_index);

}  // namespace cf::synth
