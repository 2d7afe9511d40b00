// cf-retrieve: segment regions -> names by nearest exemplars + knowledge-base descriptions.
#ifdef CF_TORCH_TWIN
#include "synth/retrieve/embedder.h"
#endif
#include "synth/retrieve/retrieve_stage.h"

int main(int argc, char** argv) {
  cf::JobSpec spec{"retrieve",
                   "segment regions + ingest images -> region names, scores, top-k and "
                   "knowledge-base descriptions",
                   "work/segment",
                   "work/retrieve",
                   cf::retrieve::declare_retrieve_config,
                   cf::retrieve::run_retrieve};
#ifdef CF_TORCH_TWIN
  cf::retrieve::register_torchscript_embedder(cf::retrieve::make_torchscript_embedder);
  return cf::job_main(argc, argv, spec);
#else
  return cf::job_main(argc, argv, spec, {"cf-retrieve-torch", cf::retrieve::retrieve_needs_torch});
#endif
}
