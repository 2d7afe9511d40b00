// cf-segment: ingest shards -> regions (COCO RLE masks, boxes, scores) per image.
#ifdef CF_TORCH_TWIN
#include "synth/segment/sam_segmenter.h"
#endif
#include "synth/segment/segment_stage.h"

int main(int argc, char** argv) {
  cf::JobSpec spec{"segment",
                   "ingest shards -> per-image regions (COCO RLE masks, boxes, scores)",
                   "work/ingest",
                   "work/segment",
                   cf::segment::declare_segment_config,
                   cf::segment::run_segment};
#ifdef CF_TORCH_TWIN
  cf::segment::register_sam_model_loader(cf::segment::load_sam_model);
  return cf::job_main(argc, argv, spec);
#else
  return cf::job_main(argc, argv, spec, {"cf-segment-torch", cf::segment::segment_needs_torch});
#endif
}
