// cf-retrieve: segment regions -> names by nearest exemplars + knowledge-base descriptions.
#include "synth/retrieve/retrieve_stage.h"

int main(int argc, char** argv) {
  cf::JobSpec spec{"retrieve",
                   "segment regions + ingest images -> region names, scores, top-k and "
                   "knowledge-base descriptions",
                   "work/segment",
                   "work/retrieve",
                   cf::retrieve::declare_retrieve_config,
                   cf::retrieve::run_retrieve};
  return cf::job_main(argc, argv, spec);
}
