// Turns one manifest entry into output rows (an image, or the sampled frames of a video's
// clips) or into one failure record. Never throws for bad input.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "io/shard.h"
#include "media/video.h"
#include "synth/ingest/manifest.h"

namespace cf::ingest {

struct DecodeOptions {
  media::ImageLimits limits;
  int jpeg_quality = 90;
  media::VideoSampling video;
};

struct IngestRow {
  std::string item_id;  // "path" for images, "path#clip003/f05" for frames
  std::string source;   // manifest path
  std::string clip_id;  // "path#clip003" for frames, "" for images
  int64_t frame_index = -1, source_frame = -1, manifest_index = 0;
  float timestamp = 0;
  int64_t width = 0, height = 0, orig_width = 0, orig_height = 0;
  std::string jpeg, content_hash;
  uint64_t phash = 0;
};

struct DecodedEntry {
  std::vector<IngestRow> rows;
  std::optional<FailureRecord> failure;
};

DecodedEntry decode_entry(const std::string& root, const ManifestEntry& e, int64_t manifest_index,
                          const DecodeOptions& o);

// Column layout of ingest shards (see docs/formats.md).
Table rows_to_table(const std::vector<IngestRow>& rows);

}  // namespace cf::ingest
