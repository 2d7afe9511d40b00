// cf-ingest: scan a corpus of images and videos and write deduplicated ingest shards.
#include "synth/ingest/ingest_stage.h"

int main(int argc, char** argv) {
  cf::JobSpec spec{"ingest",
                   "corpus images/videos -> resized, deduplicated HDF5 ingest shards",
                   "corpus",
                   "work/ingest",
                   cf::ingest::declare_ingest_config,
                   cf::ingest::run_ingest};
  return cf::job_main(argc, argv, spec);
}
