// <output>/tokenizer/: tokenizer.model (sentencepiece) + vocab.json (the piece table the
// torch-side decoder reads, special ids, image tokens per image, chat template, provenance).
// Trained on the dataset text, or imported from tokenizer.model_path. vocab.json is written
// last and records a key of everything it was made from, so a re-run reuses a finished one.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "tokenize/chat_template.h"
#include "tokenize/spm.h"
#include "tokenize/vocab.h"

namespace cf::tokenize {

struct TokenizerSettings {
  std::string model_path;  // empty: train
  SpmTrainOptions train;
  int64_t image_tokens = 64;
};

// Hash of the settings and of what the text comes from (upstream plan hash, user model bytes).
std::string tokenizer_key(const TokenizerSettings& s, const std::string& text_source);

// True when `dir` holds a finished tokenizer made with `key`.
bool tokenizer_ready(const std::string& dir, const std::string& key);

// Trains (sentences from `collect_text`) or imports the model, checks the pinned special ids,
// writes both files atomically. Throws ConfigError for a user model that does not fit.
Vocab build_tokenizer_dir(const std::string& dir, const TokenizerSettings& s, const std::string& key,
                          const std::function<std::vector<std::string>()>& collect_text);

// Writes <dir>/prompts.json (tokenize/caption_prompts.h: the caption prompts of cf-caption's
// model backend as ids), atomically, unless the same document is already there.
void write_caption_prompts(const std::string& dir, const Encoder& encode, const Vocab& vocab);

}  // namespace cf::tokenize
