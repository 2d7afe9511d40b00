// cf-caption: retrieved regions + boxes + pixels -> raw and fine captions per item.
#include "synth/caption/caption_stage.h"
#include "synth/caption/model_captioner.h"

int main(int argc, char** argv) {
  cf::synth::register_model_captioner(cf::synth::make_vlm_captioner);  // backend "model" (LibTorch)
  cf::JobSpec spec{"caption",
                   "retrieve shards (+ segment boxes, ingest pixels) -> raw and fine captions",
                   "work/retrieve",
                   "work/caption",
                   cf::synth::declare_caption_config,
                   cf::synth::run_caption};
  return cf::job_main(argc, argv, spec);
}
