#include "tokenize/chat_template.h"

#include <stdexcept>

namespace cf::tokenize {
namespace {

void append(std::vector<int32_t>& to, const std::vector<int32_t>& ids) { to.insert(to.end(), ids.begin(), ids.end()); }

}  // namespace

std::vector<int32_t> build_prompt(const Encoder& encode, const SpecialIds& special, int64_t image_tokens,
                                  int64_t n_images, const std::string& question) {
  if (special.bos < 0) throw std::invalid_argument("the tokenizer has no bos id");
  if (n_images < 0) throw std::invalid_argument("negative image count");
  if (n_images > 0 && (special.image < 0 || image_tokens <= 0))
    throw std::invalid_argument("a sample with images needs an image id and image_tokens > 0");
  std::vector<int32_t> ids{special.bos};
  append(ids, encode("USER: "));
  for (int64_t i = 0; i < n_images; ++i) {
    ids.insert(ids.end(), static_cast<size_t>(image_tokens), special.image);
    append(ids, encode("\n"));
  }
  append(ids, encode(question + " ASSISTANT:"));
  return ids;
}

ChatSample build_chat_sample(const Encoder& encode, const SpecialIds& special, int64_t image_tokens, int64_t n_images,
                             const std::string& question, const std::string& answer) {
  if (special.eos < 0) throw std::invalid_argument("the tokenizer has no eos id");
  ChatSample s;
  s.n_images = n_images;
  s.ids = build_prompt(encode, special, image_tokens, n_images, question);
  s.prompt_tokens = static_cast<int64_t>(s.ids.size());
  append(s.ids, encode(" " + answer));
  s.ids.push_back(special.eos);
  s.loss_mask.assign(s.ids.size(), 0);
  for (size_t i = static_cast<size_t>(s.prompt_tokens); i < s.ids.size(); ++i) s.loss_mask[i] = 1;
  return s;
}

}  // namespace cf::tokenize
