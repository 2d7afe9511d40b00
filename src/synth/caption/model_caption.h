// cf-caption backend `model`: our own VLM checkpoint (Model^i of the iterative loop) writes the
// raw caption; the structured backend's refinement (fine_caption) adds the retrieved
// descriptions. The prompt comes as token ids from cf-tokenizer's prompts.json and answers are
// decoded with the piece table (tokenize/vocab.h): this process never loads sentencepiece.
//
// This header and model_caption.cpp are torch-free (config keys, tokenizer files, decoding and
// the checks of a generated caption); the generation itself (LibTorch) is in
// model_captioner.cpp, library cf_synth_caption_model, which an executable links and registers
// (register_model_captioner), so libraries linking cf_synth_caption do not pull in LibTorch.
#pragma once
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/config.h"
#include "tokenize/caption_prompts.h"
#include "tokenize/vocab.h"

namespace cf::synth {

struct ModelCaption {
  std::string text;   // raw caption; empty when `error` is set
  std::string error;  // why this item has no caption (a failure record's reason)
  int64_t prompt_tokens = 0, completion_tokens = 0;
};

class ModelCaptioner {
 public:
  virtual ~ModelCaptioner() = default;
  // Raw captions of the JPEGs (null = no image) of shard `shard`, in order. Batches and seeds
  // depend only on the shard, its item order and the settings, never on the rank.
  virtual std::vector<ModelCaption> caption(const std::vector<const std::string*>& jpegs, int64_t shard) = 0;
};

void declare_model_caption_config(ConfigSchema& c);

// threads per rank; local_rank / local_size: this rank on its node (run.device picks the GPU from it).
using ModelCaptionerFactory = std::unique_ptr<ModelCaptioner> (*)(const Config& c, int threads, int local_rank,
                                                                  int local_size);
void register_model_captioner(ModelCaptionerFactory factory);
// The registered captioner for config `c`; ConfigError when the executable has none.
std::unique_ptr<ModelCaptioner> make_model_captioner(const Config& c, int threads, int local_rank, int local_size);

// The piece table and the chosen prompt of caption.tokenizer (a cf-tokenizer output dir or
// its tokenizer/ dir). Throws ConfigError naming caption.tokenizer / caption.model_prompt.
struct CaptionTokenizer {
  tokenize::Vocab vocab;
  tokenize::CaptionPrompt prompt;
  int64_t image_tokens = 0;
};
CaptionTokenizer load_caption_tokenizer(const std::string& dir, const std::string& prompt_name);

// Text of generated ids: trailing stop ids are dropped, control pieces decode to nothing,
// surrounding white space is trimmed. `truncated` (no stop id before max_new_tokens): cut to
// whole sentences when there are any.
std::string decode_caption(const tokenize::Vocab& vocab, std::vector<int32_t> ids, const std::set<int32_t>& stops,
                           bool truncated);
// Why `text` is not a usable caption, or "" when it is: empty, undecodable bytes or unknown
// pieces, fewer than `min_letters` letters, mostly non-letters, or a 1-4 word phrase repeated
// back to back more than `max_repeats` times (a degenerate loop; 0 = no check).
std::string caption_problem(const std::string& text, int64_t min_letters, int64_t max_repeats);

}  // namespace cf::synth
