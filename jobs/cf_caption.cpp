// cf-caption: retrieved regions + boxes + pixels -> raw and fine captions per item.
#include "synth/caption/caption_stage.h"
#ifdef CF_TORCH_TWIN
#include "synth/caption/model_captioner.h"
#endif

int main(int argc, char** argv) {
  cf::JobSpec spec{"caption",
                   "retrieve shards (+ segment boxes, ingest pixels) -> raw and fine captions",
                   "work/retrieve",
                   "work/caption",
                   cf::synth::declare_caption_config,
                   cf::synth::run_caption};
#ifdef CF_TORCH_TWIN
  cf::synth::register_model_captioner(cf::synth::make_vlm_captioner);  // backend "model"
  return cf::job_main(argc, argv, spec);
#else
  return cf::job_main(argc, argv, spec, {"cf-caption-torch", cf::synth::caption_needs_torch});
#endif
}
