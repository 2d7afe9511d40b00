// cf-build-db: labeled exemplars (cf-scenegen ground truth in io.input, a labeled JSONL set,
// precomputed text vectors) -> the visual-text database of cf-retrieve (vector_db.h).
// Every rank embeds every world-th image (any world size gives the same vectors, in the same
// order); rank 0 gathers them, builds the FAISS index and writes <io.output>/{index.faiss,
// labels.jsonl, meta.json, failures.jsonl}. A re-run with the same settings finds meta.json
// and does nothing.
#pragma once
#include "job/job.h"

namespace cf::retrieve {

void declare_build_db_config(ConfigSchema& schema);
StageCounts run_build_db(JobContext& ctx);
// True when embed.backend is torchscript (job/torch_twin.h).
bool build_db_needs_torch(const Config& cfg);

}  // namespace cf::retrieve
