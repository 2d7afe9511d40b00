// One shard of cf-merge: joins shard i of qa, caption, retrieve, segment and ingest by item_id
// and turns every item into training samples (one per QA pair, a caption sample, and one
// multi-image annotation sample per clip), each assigned to train or eval by its unit's hash.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/shard.h"
#include "synth/merge/split.h"

namespace cf::merge {

struct Sample {
  std::string sample_id, item_id, task, question, answer;
  int64_t closed = 0;
  std::vector<std::string> image_ids;  // ingest item ids of the images, in order
};

struct MergeOptions {
  uint64_t seed = 1234;
  SplitChoice split;
  bool caption_samples = true;
  bool annotation_samples = true;
  std::string caption_question = "Describe the image in detail.";
};

struct MergeInputs {
  const Shard& qa;
  const Shard& caption;
  const Shard& ingest;
  int64_t index = 0;
};

struct MergedShard {
  std::vector<Sample> train, eval;
  std::vector<FailureRecord> failures;  // items that could not be merged (stage "merge")
};

// Dataset task name of a cf-qa (task, kind) pair, e.g. ("coda", "region_perception") -> "region".
std::string dataset_task(const std::string& qa_task, const std::string& qa_kind);
// The annotation question for a clip of n frames.
std::string annotation_question(size_t frames);

// Samples per unit that merge_shard will make from a qa shard, for the split pre-pass.
std::vector<UnitCount> count_units(const Shard& qa, const MergeOptions& o);

MergedShard merge_shard(const MergeInputs& in, const MergeOptions& o);

// The dataset shard of one split (docs/stages/dataset.md): items + tables/images with the
// JPEG bytes of each sample's images, taken from the ingest shard. Throws DataError when an
// image is missing.
Shard dataset_shard(const std::vector<Sample>& samples, const Shard& ingest);

}  // namespace cf::merge
