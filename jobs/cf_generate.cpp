// cf-generate: tokenized prompts + a checkpoint -> preference pairs with reference log-probs
// (input of cf-train --mode dpo|spin) and model answers (input of cf-eval).
#include "infer/generate_stage.h"

int main(int argc, char** argv) {
  cf::JobSpec spec{"generate",
                   "tokenized prompts + checkpoint -> pairs (chosen, rejected, reference log-probs) and answers",
                   "work/tokens/train",
                   "work/pairs",
                   cf::infer::declare_generate_config,
                   cf::infer::run_generate};
  return cf::job_main(argc, argv, spec);
}
