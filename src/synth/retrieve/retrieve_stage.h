// cf-retrieve: cf-segment regions (io.input) + ingest images (io.images) -> a name, score,
// top-k neighbours and knowledge-base text per region (docs/stages/retrieve.md).
// Each region is cropped from its image by its RLE mask, embedded with the database's backend,
// searched in the FAISS database of cf-build-db (retrieve.db), named by a vote over its k
// neighbours ("unknown object" below retrieve.min_score), and described from the knowledge base
// (exact name, alias, then BM25). Output shard i from input shard i (run_shard_map).
#pragma once
#include "job/job.h"

namespace cf::retrieve {

void declare_retrieve_config(ConfigSchema& schema);
StageCounts run_retrieve(JobContext& ctx);
// True when retrieve.db was embedded with the torchscript backend (job/torch_twin.h).
bool retrieve_needs_torch(const Config& cfg);

}  // namespace cf::retrieve
