// cf-eval-synthesis: the synthesis chain's output vs cf-scenegen ground truth (tools/eval-synthesis).
#include "synth/evalsynth/eval_stage.h"

int main(int argc, char** argv) {
  cf::JobSpec spec{"eval_synthesis",
                   "merge (or qa + caption/retrieve/segment) output + scenegen corpus -> quality report",
                   "work/dataset",
                   "work/eval_synthesis",
                   cf::evalsynth::declare_eval_synthesis_config,
                   cf::evalsynth::run_eval_synthesis};
  return cf::job_main(argc, argv, spec);
}
