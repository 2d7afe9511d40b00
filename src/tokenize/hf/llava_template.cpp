#include "tokenize/hf/llava_template.h"

#include <algorithm>
#include <stdexcept>

namespace cf::tokenize::hf {
namespace {

int32_t added_id(const HfTokenizer& tok, const std::string& content, const char* role) {
  const int32_t id = tok.added().id_of(content);
  if (id < 0)
    throw std::invalid_argument(std::string("LLaVA template: the ") + role + " token '" + content +
                                "' is not an added token of the tokenizer");
  return id;
}

// Encodes `text` and repeats every image id `copies` times.
std::vector<int32_t> encode_expanded(const HfTokenizer& tok, const std::string& text, int32_t image_id,
                                     int64_t copies) {
  std::vector<int32_t> out;
  for (int32_t id : tok.encode(text, true)) {
    if (id == image_id) out.insert(out.end(), static_cast<size_t>(copies), id);
    else out.push_back(id);
  }
  return out;
}

}  // namespace

std::string llava_text(const LlavaTemplate& t, int64_t n_images, const std::vector<LlavaTurn>& turns, bool open_last) {
  std::string s = t.system.empty() ? "" : t.system + " ";
  for (size_t i = 0; i < turns.size(); ++i) {
    s += "USER: ";
    if (i == 0)
      for (int64_t k = 0; k < n_images; ++k) s += t.image_token + "\n";
    s += turns[i].question;
    if (open_last && i + 1 == turns.size()) s += " ASSISTANT:";
    else s += " ASSISTANT: " + turns[i].answer + t.eos_token;
  }
  return s;
}

std::vector<int32_t> build_llava_prompt(const HfTokenizer& tok, const LlavaTemplate& t, int64_t n_images,
                                        const std::string& question) {
  if (n_images < 0) throw std::invalid_argument("LLaVA template: negative image count");
  const int32_t image_id = added_id(tok, t.image_token, "image");
  return encode_expanded(tok, llava_text(t, n_images, {{question, ""}}, true), image_id, t.image_tokens);
}

ChatSample build_llava_sample(const HfTokenizer& tok, const LlavaTemplate& t, int64_t n_images,
                              const std::vector<LlavaTurn>& turns) {
  if (turns.empty()) throw std::invalid_argument("LLaVA template: no turns");
  if (n_images < 0) throw std::invalid_argument("LLaVA template: negative image count");
  const int32_t image_id = added_id(tok, t.image_token, "image");
  added_id(tok, t.eos_token, "eos");
  ChatSample s;
  s.n_images = n_images;
  s.ids = encode_expanded(tok, llava_text(t, n_images, turns, false), image_id, t.image_tokens);
  s.loss_mask.assign(s.ids.size(), 0);
  for (size_t i = 0; i < turns.size(); ++i) {
    std::vector<LlavaTurn> head(turns.begin(), turns.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    const auto open = encode_expanded(tok, llava_text(t, n_images, head, true), image_id, t.image_tokens);
    const auto closed = encode_expanded(tok, llava_text(t, n_images, head, false), image_id, t.image_tokens);
    for (const auto* part : {&open, &closed})
      if (part->size() > s.ids.size() || !std::equal(part->begin(), part->end(), s.ids.begin()))
        throw std::invalid_argument("LLaVA template: turn " + std::to_string(i) +
                                    " does not end on a token boundary of the conversation");
    std::fill(s.loss_mask.begin() + static_cast<std::ptrdiff_t>(open.size()),
              s.loss_mask.begin() + static_cast<std::ptrdiff_t>(closed.size()), 1);
    s.prompt_tokens = static_cast<int64_t>(open.size());
  }
  return s;
}

}  // namespace cf::tokenize::hf
