#include "infer/answer_batch.h"

#include <algorithm>

#include "media/model_input.h"

namespace cf::infer {

torch::Tensor sample_images(const std::vector<std::string>& jpegs, int64_t size, torch::ScalarType dtype) {
  if (jpegs.empty()) return {};
  std::vector<float> px;
  for (const auto& j : jpegs) {
    auto one = media::jpeg_to_model_input(j, static_cast<int>(size));
    px.insert(px.end(), one.begin(), one.end());
  }
  return torch::from_blob(px.data(), {static_cast<int64_t>(jpegs.size()), 3, size, size}, torch::kFloat)
      .clone()
      .to(dtype);
}

Answers generate_answers(Vlm& model, const std::vector<const TokenSample*>& samples, const AnswerSettings& s,
                         uint64_t seed) {
  Answers out;
  out.ids.resize(samples.size());
  out.errors.resize(samples.size());
  std::vector<torch::Tensor> images(samples.size());
  std::vector<size_t> ready;
  for (size_t i = 0; i < samples.size(); ++i) {
    try {
      images[i] = sample_images(samples[i]->images, model->cfg.vision.image_size, s.dtype);
      ready.push_back(i);
    } catch (const std::exception& e) {
      out.errors[i] = std::string("image: ") + e.what();
    }
  }
  for (size_t lo = 0, b = 0; lo < ready.size(); lo += static_cast<size_t>(s.batch), ++b) {
    const size_t hi = std::min(ready.size(), lo + static_cast<size_t>(s.batch));
    std::vector<std::vector<int64_t>> prompts;
    std::vector<torch::Tensor> imgs;
    for (size_t k = lo; k < hi; ++k) {
      const TokenSample& t = *samples[ready[k]];
      prompts.emplace_back(t.ids.begin(), t.ids.begin() + t.prompt_tokens);
      if (images[ready[k]].defined()) imgs.push_back(images[ready[k]]);
    }
    GenerateOptions o = s.options;
    o.seed = seed * 0x9E3779B97F4A7C15ull + b;
    try {
      auto got = generate(model, prompts, imgs.empty() ? torch::Tensor() : torch::cat(imgs), o);
      for (size_t k = lo; k < hi; ++k) {
        auto& ids = out.ids[ready[k]];
        ids.assign(got[k - lo].begin(), got[k - lo].end());
        if (ids.empty() || ids.back() != s.eos) ids.push_back(s.eos);
      }
    } catch (const std::exception& e) {
      for (size_t k = lo; k < hi; ++k) out.errors[ready[k]] = std::string("generate: ") + e.what();
    }
  }
  return out;
}

}  // namespace cf::infer
