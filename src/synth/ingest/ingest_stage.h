// cf-ingest: corpus files -> ingest shards (resized JPEG images and video frames with clip
// membership, content and perceptual hashes), deduplicated corpus-wide, resumable.
//
// Phases, each resumable on its own:
//  A. decode: every rank decodes its shards into <output>/.staging/shard-N.h5 (all items);
//  B. dedupe: ranks exchange the hashes of all staged units and decide, identically, which
//     units are duplicates (earliest in manifest order is kept);
//  C. write:  every rank writes its final shards <output>/shard-N.h5 without the duplicates,
//     which go to the failure table with kind "duplicate". Staging is removed at the end.
#pragma once
#include "job/job.h"

namespace cf::ingest {

void declare_ingest_config(ConfigSchema& schema);
StageCounts run_ingest(JobContext& ctx);

}  // namespace cf::ingest
