// cf-build-db: labeled exemplar crops and text vectors -> FAISS visual-text database.
#include "synth/retrieve/build_db_stage.h"

int main(int argc, char** argv) {
  cf::JobSpec spec{"build_db",
                   "labeled exemplars (scenegen ground truth, labeled JSONL, text vectors) -> "
                   "FAISS database for cf-retrieve",
                   "corpus",
                   "work/db",
                   cf::retrieve::declare_build_db_config,
                   cf::retrieve::run_build_db};
  return cf::job_main(argc, argv, spec);
}
