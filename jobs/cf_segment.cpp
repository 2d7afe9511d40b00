// cf-segment: ingest shards -> regions (COCO RLE masks, boxes, scores) per image.
#include "synth/segment/segment_stage.h"

int main(int argc, char** argv) {
  cf::JobSpec spec{"segment",
                   "ingest shards -> per-image regions (COCO RLE masks, boxes, scores)",
                   "work/ingest",
                   "work/segment",
                   cf::segment::declare_segment_config,
                   cf::segment::run_segment};
  return cf::job_main(argc, argv, spec);
}
