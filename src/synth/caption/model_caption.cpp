#include "synth/caption/model_caption.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "synth/caption/scene_text.h"

namespace fs = std::filesystem;

namespace cf::synth {
namespace {

ModelCaptionerFactory& registered() {
  static ModelCaptionerFactory f = nullptr;
  return f;
}

}  // namespace

void declare_model_caption_config(ConfigSchema& c) {
  c.add_string("caption.model", "work/train",
               "model: checkpoint of our VLM (Model^i): a cf-train output dir (model.safetensors, else "
               "checkpoints/latest), a checkpoint step dir or a .safetensors file");
  c.add_string("model.preset", "configs/model/tiny.toml", "model: shape of caption.model (configs/model/*.toml)");
  c.add_string(
      "caption.tokenizer", "work/tokens",
      "model: cf-tokenizer output dir (or its tokenizer/): vocab.json decodes, prompts.json gives the prompt ids");
  c.add_string("caption.model_prompt", "describe",
               "model: name of the prompt in prompts.json (describe, describe_this, describe_scene, describe_dashcam)");
  c.add_int("caption.model_max_new_tokens", 96,
            "model: longest raw caption in tokens (cut to whole sentences when reached)", 1, 100000);
  c.add_float("caption.model_temperature", 0.0, "model: sampling temperature; 0 = greedy (deterministic)", 0, 100);
  c.add_float("caption.model_top_p", 1.0, "model: nucleus sampling mass (with temperature > 0)", 0, 1);
  c.add_int("caption.model_seed", 0,
            "model: sampling seed (per shard and batch, so any world size gives the same captions)", 0, 1e18);
  c.add_int("caption.model_batch", 8, "model: images per generation batch", 1, 100000);
  c.add_string("caption.model_dtype", "fp32", "model: weights/activations dtype for generation", {"fp32", "bf16"});
  c.add_strings("caption.model_stop_tokens", {}, "model: stop token ids besides eos (as strings)");
  c.add_int("caption.model_min_letters", 3, "model: a raw caption with fewer letters is a failure (garbled)", 0,
            100000);
  c.add_int("caption.model_max_repeats", 4,
            "model: a raw caption repeating a 1-4 word phrase more often in a row is a failure (a degenerate loop); 0 "
            "= no check",
            0, 100000);
}

void register_model_captioner(ModelCaptionerFactory factory) { registered() = factory; }

std::unique_ptr<ModelCaptioner> make_model_captioner(const Config& c, int threads, int local_rank, int local_size) {
  if (!registered())
    throw ConfigError(
        "caption.backend = \"model\": this executable was built without the model backend "
        "(cf_synth_caption_model)");
  return registered()(c, threads, local_rank, local_size);
}

CaptionTokenizer load_caption_tokenizer(const std::string& dir, const std::string& prompt_name) {
  fs::path base;
  for (const fs::path& d : {fs::path(dir), fs::path(dir) / "tokenizer"})
    if (fs::is_regular_file(d / "vocab.json") && fs::is_regular_file(d / tokenize::kCaptionPromptsFile)) base = d;
  if (base.empty())
    throw ConfigError("caption.tokenizer '" + dir + "': no vocab.json and " + tokenize::kCaptionPromptsFile +
                      " there or in tokenizer/ (run cf-tokenizer; it writes both)");
  CaptionTokenizer t;
  const std::string prompts_path = (base / tokenize::kCaptionPromptsFile).string();
  nlohmann::json doc;
  try {
    t.vocab = tokenize::Vocab::load((base / "vocab.json").string());
    std::ifstream in(prompts_path);
    doc = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw ConfigError("caption.tokenizer '" + dir + "': " + e.what());
  }
  tokenize::CaptionPrompts prompts;
  try {
    prompts = tokenize::parse_caption_prompts(doc, t.vocab, prompts_path);
  } catch (const DataError& e) {
    throw ConfigError(std::string("caption.tokenizer: ") + e.what());
  }
  auto p = prompts.prompts.find(prompt_name);
  if (p == prompts.prompts.end()) {
    std::string names;
    for (const auto& [n, _] : prompts.prompts) names += (names.empty() ? "" : ", ") + n;
    throw ConfigError("caption.model_prompt '" + prompt_name + "' is not in " + prompts_path + " (" + names + ")");
  }
  if (p->second.n_images != 1)
    throw ConfigError("caption.model_prompt '" + prompt_name + "' takes " + std::to_string(p->second.n_images) +
                      " images; a caption prompt takes one");
  t.prompt = p->second;
  t.image_tokens = prompts.image_tokens;
  return t;
}

std::string decode_caption(const tokenize::Vocab& vocab, std::vector<int32_t> ids, const std::set<int32_t>& stops,
                           bool truncated) {
  while (!ids.empty() && stops.count(ids.back())) ids.pop_back();
  std::string text = vocab.decode(ids);
  const auto space = [](char ch) { return std::isspace(static_cast<unsigned char>(ch)) != 0; };
  size_t a = 0, b = text.size();
  while (a < b && space(text[a])) ++a;
  while (b > a && space(text[b - 1])) --b;
  text = text.substr(a, b - a);
  if (truncated && !text.empty()) {
    const std::string whole = first_sentences(text, text.size() - 1);
    if (whole.size() < 3 || whole.compare(whole.size() - 3, 3, "...") != 0) text = whole;
  }
  return text;
}

namespace {

// The longest run of a 1..4-word phrase repeated back to back in `text` ("the king the king ...").
std::pair<std::string, int64_t> longest_repeat(const std::string& text) {
  std::vector<std::string> w;
  std::istringstream in(text);
  for (std::string t; in >> t;) w.push_back(t);
  std::pair<std::string, int64_t> best{"", 1};
  for (size_t n = 1; n <= 4; ++n)
    for (size_t i = 0; i + 2 * n <= w.size(); ++i) {
      int64_t reps = 1;
      for (size_t j = i + n; j + n <= w.size() && std::equal(w.begin() + i, w.begin() + i + n, w.begin() + j); j += n)
        ++reps;
      if (reps > best.second) {
        best = {w[i], reps};
        for (size_t k = 1; k < n; ++k) best.first += " " + w[i + k];
      }
    }
  return best;
}

}  // namespace

std::string caption_problem(const std::string& text, int64_t min_letters, int64_t max_repeats) {
  if (text.empty()) return "empty generation (the model stopped at once)";
  if (text.find("\xEF\xBF\xBD") != std::string::npos) return "garbled generation: invalid UTF-8 bytes";
  if (text.find("\xE2\x81\x87") != std::string::npos) return "garbled generation: unknown pieces";
  int64_t letters = 0, visible = 0;
  for (unsigned char ch : text) {
    if (ch >= 0x80) {  // a non-ASCII character counts once, as a letter (lead byte only)
      if ((ch & 0xC0) == 0xC0) ++letters, ++visible;
      continue;
    }
    if (std::isspace(ch)) continue;
    ++visible;
    letters += std::isalpha(ch) != 0;
  }
  if (letters < min_letters)
    return "garbled generation: " + std::to_string(letters) +
           " letters (caption.model_min_letters = " + std::to_string(min_letters) + ")";
  if (2 * letters < visible)
    return "garbled generation: " + std::to_string(letters) + " of " + std::to_string(visible) +
           " characters are letters";
  if (max_repeats > 0) {
    const auto [phrase, reps] = longest_repeat(text);
    if (reps > max_repeats)
      return "garbled generation: '" + phrase + "' " + std::to_string(reps) +
             " times in a row (caption.model_max_repeats = " + std::to_string(max_repeats) + ")";
  }
  return "";
}

}  // namespace cf::synth
