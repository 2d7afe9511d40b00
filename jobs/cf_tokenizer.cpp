// cf-tokenizer: merged SFT dataset -> sentencepiece tokenizer + token-id shards per split.
#include "tokenize/tokenize_stage.h"

int main(int argc, char** argv) {
  cf::JobSpec spec{"tokenizer",
                   "merged dataset -> sentencepiece tokenizer and token-id shards (train/, eval/)",
                   "work/dataset",
                   "work/tokens",
                   cf::tokenize::declare_tokenizer_config,
                   cf::tokenize::run_tokenizer};
  return cf::job_main(argc, argv, spec);
}
