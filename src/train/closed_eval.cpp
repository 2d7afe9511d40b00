#include "train/closed_eval.h"

#include "media/model_input.h"
#include "model/generate.h"
#include "train/token_data.h"

namespace cf {

nlohmann::json closed_accuracy(Vlm& model, const std::string& eval_dir, int64_t max_questions, int64_t pad_id) {
  TokenDataset data(eval_dir);
  const int64_t size = model->cfg.vision.image_size;
  const auto dtype = model->language->embed_tokens->weight.scalar_type();
  int64_t asked = 0, right = 0;
  for (int64_t i = 0; i < data.size() && asked < max_questions; ++i) {
    TokenSample s = data.get(i);
    if (!s.closed) continue;
    std::vector<int64_t> prompt(s.ids.begin(), s.ids.begin() + s.prompt_tokens);
    std::vector<int64_t> expected(s.ids.begin() + s.prompt_tokens, s.ids.end() - 1);  // without eos
    torch::Tensor images;
    if (!s.images.empty()) {
      std::vector<float> px;
      for (const auto& j : s.images) {
        auto one = media::jpeg_to_model_input(j, static_cast<int>(size));
        px.insert(px.end(), one.begin(), one.end());
      }
      images = torch::from_blob(px.data(), {static_cast<int64_t>(s.images.size()), 3, size, size}, torch::kFloat)
                   .clone()
                   .to(dtype);
    }
    GenerateOptions o;
    o.max_new_tokens = static_cast<int64_t>(expected.size());
    o.pad_token = pad_id;
    auto got = generate(model, {prompt}, images, o)[0];
    right += got == expected;
    ++asked;
  }
  return {{"accuracy", asked ? static_cast<double>(right) / static_cast<double>(asked) : 0.0}, {"questions", asked}};
}

}  // namespace cf
