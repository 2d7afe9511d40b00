// cf-segment: ingest shards -> one shard per input shard with the regions of every image:
// items (item_id, source, clip_id, width, height, n_regions) and table "regions" (item_row,
// COCO RLE, box, area, predicted_iou, stability_score). Columns: docs/stages/segment.md.
#pragma once
#include "job/job.h"

namespace cf::segment {

void declare_segment_config(ConfigSchema& schema);
StageCounts run_segment(JobContext& ctx);
// True when segment.backend is sam (job/torch_twin.h).
bool segment_needs_torch(const Config& cfg);

}  // namespace cf::segment
