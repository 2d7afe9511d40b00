// cf-generate: a tokenized split (cf-tokenizer output) + a model checkpoint -> preference pairs
// for DPO/SPIN, which are also the answers file of cf-eval (docs/stages/generate.md).
// Shard i of the output is made from shard i of io.input (cf::run_shard_map). For each
// sample: prompt = input_ids[:prompt_tokens], chosen = the dataset's answer ids, rejected = the
// model's answer (batched KV-cache generation, greedy or sampled, seeded per shard and batch),
// and the same model's summed log-probs of both answers (the reference of the next training
// round, computed exactly as preference training computes the policy's).
#pragma once
#include "job/job.h"

namespace cf::infer {

void declare_generate_config(ConfigSchema& schema);
StageCounts run_generate(JobContext& ctx);

// The weights file of generate.checkpoint: a .safetensors file, a cf-train output directory
// (its model.safetensors, else checkpoints/latest), or a checkpoint step directory.
// Throws ConfigError naming `key` and what was looked for.
std::string resolve_checkpoint(const std::string& path, const std::string& key = "generate.checkpoint");

}  // namespace cf::infer
