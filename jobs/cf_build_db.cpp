// cf-build-db: labeled exemplar crops and text vectors -> FAISS visual-text database.
#ifdef CF_TORCH_TWIN
#include "synth/retrieve/embedder.h"
#endif
#include "synth/retrieve/build_db_stage.h"

int main(int argc, char** argv) {
  cf::JobSpec spec{"build_db",
                   "labeled exemplars (scenegen ground truth, labeled JSONL, text vectors) -> "
                   "FAISS database for cf-retrieve",
                   "corpus",
                   "work/db",
                   cf::retrieve::declare_build_db_config,
                   cf::retrieve::run_build_db};
#ifdef CF_TORCH_TWIN
  cf::retrieve::register_torchscript_embedder(cf::retrieve::make_torchscript_embedder);
  return cf::job_main(argc, argv, spec);
#else
  return cf::job_main(argc, argv, spec, {"cf-build-db-torch", cf::retrieve::build_db_needs_torch});
#endif
}
