// cf-qa: captions + retrieved regions -> self-instruct QA pairs and Cosmos clip annotations.
#include "synth/qa/qa_stage.h"

int main(int argc, char** argv) {
  cf::JobSpec spec{"qa",
                   "caption shards (+ retrieve regions) -> QA pairs and clip annotations",
                   "work/caption",
                   "work/qa",
                   cf::synth::declare_qa_config,
                   cf::synth::run_qa};
  return cf::job_main(argc, argv, spec);
}
