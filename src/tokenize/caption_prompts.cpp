#include "tokenize/caption_prompts.h"

#include <algorithm>

#include "core/error.h"

namespace cf::tokenize {

const std::vector<std::pair<std::string, std::string>>& caption_prompt_questions() {
  static const std::vector<std::pair<std::string, std::string>> q = {
      {"describe", "Describe the image in detail."},        // cf-merge's caption samples (merge.caption_question)
      {"describe_this", "Describe this image in detail."},  // cf-qa's detailed descriptions
      {"describe_scene", "Give a detailed description of the driving scene."},
      {"describe_dashcam", "Explain in detail what this dashcam picture shows."},
  };
  return q;
}

nlohmann::json caption_prompts_json(const Encoder& encode, const Vocab& vocab) {
  nlohmann::json prompts = nlohmann::json::object();
  for (const auto& [name, question] : caption_prompt_questions())
    prompts[name] = {{"question", question},
                     {"n_images", 1},
                     {"ids", build_prompt(encode, vocab.special(), vocab.image_tokens_per_image, 1, question)}};
  return {{"format", 1},
          {"template", kTemplateText},
          {"image_tokens", vocab.image_tokens_per_image},
          {"tokenizer_sha256", vocab.info.value("model_sha256", "")},
          {"prompts", prompts}};
}

CaptionPrompts parse_caption_prompts(const nlohmann::json& doc, const Vocab& vocab, const std::string& where) {
  CaptionPrompts out;
  try {
    out.image_tokens = doc.at("image_tokens").get<int64_t>();
    out.tokenizer_sha256 = doc.value("tokenizer_sha256", "");
    for (const auto& [name, p] : doc.at("prompts").items())
      out.prompts[name] = {p.at("question").get<std::string>(), p.at("ids").get<std::vector<int32_t>>(),
                           p.at("n_images").get<int64_t>()};
  } catch (const nlohmann::json::exception& e) {
    throw DataError(where + ": not a caption prompts document: " + e.what());
  }
  const std::string sha = vocab.info.value("model_sha256", "");
  if (!sha.empty() && out.tokenizer_sha256 != sha)
    throw DataError(where + ": made with another tokenizer (model_sha256 " + out.tokenizer_sha256 +
                    ") than vocab.json's (" + sha + "); re-run cf-tokenizer");
  if (out.image_tokens != vocab.image_tokens_per_image)
    throw DataError(where + ": image_tokens " + std::to_string(out.image_tokens) + " != vocab.json's " +
                    std::to_string(vocab.image_tokens_per_image));
  const SpecialIds& sp = vocab.special();
  for (const auto& [name, p] : out.prompts) {
    const std::string what = where + " prompt '" + name + "': ";
    if (p.ids.empty() || p.ids.front() != sp.bos) throw DataError(what + "does not start with bos");
    for (int32_t id : p.ids)
      if (id < 0 || static_cast<size_t>(id) >= vocab.size())
        throw DataError(what + "id " + std::to_string(id) + " is outside the vocabulary of " +
                        std::to_string(vocab.size()) + " pieces");
    const auto images = std::count(p.ids.begin(), p.ids.end(), sp.image);
    if (images != p.n_images * out.image_tokens)
      throw DataError(what + std::to_string(images) + " image placeholders, expected " + std::to_string(p.n_images) +
                      " x " + std::to_string(out.image_tokens));
  }
  return out;
}

}  // namespace cf::tokenize
