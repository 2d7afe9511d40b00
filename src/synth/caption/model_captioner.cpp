#include "synth/caption/model_captioner.h"

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "model/device.h"
#include "model/weights.h"
#include "infer/answer_batch.h"
#include "infer/generate_stage.h"

namespace cf::synth {
namespace {

class VlmCaptioner : public ModelCaptioner {
 public:
  VlmCaptioner(const Config& c, int threads) {
    torch::set_num_threads(threads);
    tok_ = load_caption_tokenizer(c.get_string("caption.tokenizer"), c.get_string("caption.model_prompt"));
    const std::string preset = c.get_string("model.preset");
    const std::string weights = infer::resolve_checkpoint(c.get_string("caption.model"), "caption.model");
    model_ = Vlm(load_model_config(preset));
    if (model_->cfg.vision.patches() != tok_.image_tokens)
      throw ConfigError("caption.tokenizer: " + std::to_string(tok_.image_tokens) +
                        " image placeholders per image, but " + "model.preset '" + preset + "' has " +
                        std::to_string(model_->cfg.vision.patches()) + " patches per image");
    if (tok_.vocab.special().image != model_->cfg.image_token_id)
      throw ConfigError("caption.tokenizer: <image> id " + std::to_string(tok_.vocab.special().image) +
                        " != model.preset's image_token_id " + std::to_string(model_->cfg.image_token_id));
    if (static_cast<int64_t>(tok_.vocab.size()) > model_->cfg.text.vocab)
      throw ConfigError("caption.tokenizer: " + std::to_string(tok_.vocab.size()) +
                        " pieces, more than model.preset's " + "text.vocab " + std::to_string(model_->cfg.text.vocab));
    try {
      load_weights(model_, weights);
    } catch (const std::exception& e) {
      throw ConfigError("caption.model '" + c.get_string("caption.model") + "' (" + weights +
                        ") cannot be loaded with model.preset '" + preset + "': " + e.what());
    }
    s_.dtype = c.get_string("caption.model_dtype") == "bf16" ? torch::kBFloat16 : torch::kFloat;
    model_->to(s_.dtype);
    model_->eval();
    const auto& sp = tok_.vocab.special();
    if (sp.eos < 0) throw ConfigError("caption.tokenizer: the vocabulary has no eos piece");
    GenerateOptions& o = s_.options;
    o.max_new_tokens = c.get_int("caption.model_max_new_tokens");
    o.temperature = c.get_float("caption.model_temperature");
    o.top_p = c.get_float("caption.model_top_p");
    o.pad_token = sp.pad >= 0 ? sp.pad : 0;
    if (sp.pad >= 0) o.suppress_tokens = {sp.pad};
    if (sp.bos >= 0) o.suppress_tokens.push_back(sp.bos);
    o.vocab_limit = static_cast<int64_t>(tok_.vocab.size());
    o.stop_tokens = {sp.eos};
    for (const auto& t : c.get_strings("caption.model_stop_tokens")) {
      try {
        o.stop_tokens.push_back(std::stoll(t));
      } catch (const std::exception&) {
        throw ConfigError("caption.model_stop_tokens: '" + t + "' is not a token id");
      }
    }
    stops_ = std::set<int32_t>(o.stop_tokens.begin(), o.stop_tokens.end());
    s_.eos = sp.eos;
    s_.batch = c.get_int("caption.model_batch");
    seed_ = static_cast<uint64_t>(c.get_int("caption.model_seed"));
    min_letters_ = c.get_int("caption.model_min_letters");
    max_repeats_ = c.get_int("caption.model_max_repeats");
    spdlog::debug("caption: model {} from {}, prompt '{}' ({} ids)", model_->cfg.name, weights, tok_.prompt.question,
                  tok_.prompt.ids.size());
  }

  std::vector<ModelCaption> caption(const std::vector<const std::string*>& jpegs, int64_t shard) override {
    std::vector<ModelCaption> out(jpegs.size());
    std::vector<TokenSample> samples;
    std::vector<size_t> rows;
    for (size_t i = 0; i < jpegs.size(); ++i) {
      if (!jpegs[i]) {
        out[i].error = "no image bytes for the model";
        continue;
      }
      TokenSample t;
      t.ids = tok_.prompt.ids;
      t.prompt_tokens = static_cast<int64_t>(t.ids.size());
      t.images = {*jpegs[i]};
      samples.push_back(std::move(t));
      rows.push_back(i);
    }
    std::vector<const TokenSample*> ptrs;
    for (const auto& t : samples) ptrs.push_back(&t);
    const infer::Answers got =
        infer::generate_answers(model_, ptrs, s_, seed_ * 1000003ull + static_cast<uint64_t>(shard));
    const size_t max_new = static_cast<size_t>(s_.options.max_new_tokens);
    for (size_t k = 0; k < rows.size(); ++k) {
      ModelCaption& m = out[rows[k]];
      m.prompt_tokens = static_cast<int64_t>(tok_.prompt.ids.size());
      if (!got.errors[k].empty()) {
        m.error = "model caption: " + got.errors[k];
        continue;
      }
      // answer_batch appends eos when generation did not end with it: after max_new_tokens
      // (truncated) or after another stop token.
      const std::vector<int32_t>& ids = got.ids[k];
      const bool truncated = ids.size() > max_new && !stops_.count(ids[max_new - 1]);
      const bool appended = truncated || (ids.size() >= 2 && stops_.count(ids[ids.size() - 2]));
      m.completion_tokens = static_cast<int64_t>(ids.size() - (appended ? 1 : 0));
      const std::string text = decode_caption(tok_.vocab, ids, stops_, truncated);
      const std::string problem = caption_problem(text, min_letters_, max_repeats_);
      if (problem.empty()) m.text = text;
      else m.error = "model caption: " + problem + (text.empty() ? "" : ": '" + text.substr(0, 80) + "'");
    }
    return out;
  }

 private:
  CaptionTokenizer tok_;
  Vlm model_{nullptr};
  infer::AnswerSettings s_;
  std::set<int32_t> stops_;
  uint64_t seed_ = 0;
  int64_t min_letters_ = 0, max_repeats_ = 0;
};

}  // namespace

std::unique_ptr<ModelCaptioner> make_vlm_captioner(const Config& c, int threads, int local_rank, int local_size) {
  cpu_until_cuda_path(job_device(c, local_rank, local_size), c.get_string("run.device"), "cf-caption's model backend");
  return std::make_unique<VlmCaptioner>(c, threads);
}

}  // namespace cf::synth
