// cf-convert: inspect HF checkpoints and ours, convert between the two layouts, and run a
// checkpoint (logits of one prompt, greedy tokens) for the reference tests against transformers.
//   cf-convert inspect DIR [--check] [--tensors]
//   cf-convert convert SRC DST [--to hf|ours] [--preset P.toml] [--dtype auto|fp32|bf16|fp16]
//                              [--max-shard-bytes N]
//   cf-convert run SRC --ids 1,2,3 [--pixels X.f32] [--logits OUT.f32] [--generate N] [--dtype D]
// Our layout: DIR/model.safetensors (our module names, model/weights.h) + DIR/model.toml (preset)
// + DIR/hf_config.json (the HF config it came from, reused when converting back).
#pragma once

namespace cf {

int convert_tool_main(int argc, char** argv);  // exit 0 ok, 1 error, 2 usage

}  // namespace cf
