// cf-eval: judge model answers against references → per-field scores, task scores, win rates,
// Elo with bootstrap CIs, a markdown/JSON report and PNG plots.
#include "eval/eval_stage.h"

int main(int argc, char** argv) {
  cf::JobSpec spec{"eval",
                   "model answers (cf-generate dirs or JSONL) -> judged scores, Elo, report and plots",
                   "",
                   "work/eval",
                   cf::eval::declare_eval_config,
                   cf::eval::run_eval};
  return cf::job_main(argc, argv, spec);
}
