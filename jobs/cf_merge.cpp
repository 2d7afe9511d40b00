// cf-merge: qa + caption + retrieve + segment + ingest shards -> the SFT dataset (train/eval),
// a LLaVA-format export and a stats report.
#include "synth/merge/merge_stage.h"

int main(int argc, char** argv) {
  cf::JobSpec spec{"merge",
                   "qa/caption/retrieve/segment/ingest shards -> SFT dataset, LLaVA export, stats",
                   "work/qa",
                   "work/dataset",
                   cf::merge::declare_merge_config,
                   cf::merge::run_merge};
  return cf::job_main(argc, argv, spec);
}
