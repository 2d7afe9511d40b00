// Requests of the openai caption backend: the raw-caption request (system prompt, the
// configs/prompts/caption_raw.txt text with the detected objects, and the image) and the
// refinement request (caption_refine.txt with the raw caption and the retrieved descriptions).
#pragma once
#include <string>
#include <vector>

#include "core/config.h"
#include "net/chat_request.h"
#include "synth/common/upstream.h"

namespace cf::synth {

struct CaptionPrompts {
  std::string system, raw, refine;
  double temperature = 0.2;
  int64_t max_tokens = 400;
  size_t max_description_chars = 300;
};
CaptionPrompts load_caption_prompts(const Config& config);  // caption.prompt_* keys

std::string objects_text(const std::vector<RetrievedRegion>& objects);  // one "- label [x, y, w, h]" per line
std::string descriptions_text(const std::vector<RetrievedRegion>& objects, size_t max_chars);

net::ChatRequest raw_caption_request(const CaptionPrompts& p, const ItemView& item,
                                     const std::vector<RetrievedRegion>& objects);
net::ChatRequest refine_request(const CaptionPrompts& p, const std::string& raw,
                                const std::vector<RetrievedRegion>& objects);

}  // namespace cf::synth
