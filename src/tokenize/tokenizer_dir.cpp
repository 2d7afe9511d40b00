#include "tokenize/tokenizer_dir.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/hash.h"
#include "tokenize/caption_prompts.h"
#include "tokenize/chat_template.h"

namespace fs = std::filesystem;

namespace cf::tokenize {
namespace {

void write_atomic(const fs::path& path, const std::string& bytes) {
  const std::string tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw Error("cannot write " + tmp);
  }
  fs::rename(tmp, path);
}

std::string read_file(const std::string& path, const std::string& key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(key + " '" + path + "': cannot open the file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// The ids a trained model must have; a user model must at least put <image> where asked.
void check_special(const Vocab& v, const TokenizerSettings& s, const std::string& what) {
  const SpecialIds& got = v.special();
  if (got.image != s.train.image_id)
    throw ConfigError(what + ": '<image>' has id " + std::to_string(got.image) + " but tokenizer.image_token_id = " +
                      std::to_string(s.train.image_id) + " (it must match the model's image_token_id)");
  if (got.bos < 0 || got.eos < 0)
    throw ConfigError(what + ": the model has no bos or eos piece; the chat template needs both");
  if (!s.model_path.empty()) return;
  const SpecialIds want = pinned_ids(s.train.image_id);
  if (got.pad != want.pad || got.unk != want.unk || got.bos != want.bos || got.eos != want.eos)
    throw Error(what + ": sentencepiece did not pin the special ids as asked");
}

}  // namespace

std::string tokenizer_key(const TokenizerSettings& s, const std::string& text_source) {
  Sha256 h;
  h.add(s.model_path.empty() ? std::string("train") : sha256_hex(read_file(s.model_path, "tokenizer.model_path")));
  h.add(s.model_path.empty() ? text_source : std::string());
  h.add(s.train.model_type).add(std::to_string(s.train.vocab_size)).add(std::to_string(s.train.image_id));
  std::ostringstream cov;
  cov << s.train.character_coverage;
  h.add(cov.str()).add(std::to_string(s.image_tokens));
  return h.hex();
}

bool tokenizer_ready(const std::string& dir, const std::string& key) {
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "tokenizer.model", ec)) return false;
  try {
    return Vocab::load((fs::path(dir) / "vocab.json").string()).info.value("key", "") == key;
  } catch (const std::exception&) {
    return false;
  }
}

Vocab build_tokenizer_dir(const std::string& dir, const TokenizerSettings& s, const std::string& key,
                          const std::function<std::vector<std::string>()>& collect_text) {
  fs::create_directories(dir);
  std::string model;
  std::string what;
  nlohmann::json info;
  if (s.model_path.empty()) {
    const auto sentences = collect_text();
    model = train_spm(sentences, s.train);
    what = "trained tokenizer";
    info = {{"source", "trained"},
            {"model_type", s.train.model_type},
            {"vocab_size_requested", s.train.vocab_size},
            {"sentences", sentences.size()}};
  } else {
    model = read_file(s.model_path, "tokenizer.model_path");
    what = "tokenizer.model_path '" + s.model_path + "'";
    info = {{"source", s.model_path}};
  }
  Vocab v = SpmModel::from_bytes(model, what).vocab();
  check_special(v, s, what);
  v.image_tokens_per_image = s.image_tokens;
  v.template_text = kTemplateText;
  info["model_sha256"] = sha256_hex(model);
  info["key"] = key;
  v.info = info;
  write_atomic(fs::path(dir) / "tokenizer.model", model);
  write_atomic(fs::path(dir) / "vocab.json", v.to_json().dump(1) + "\n");
  return v;
}

void write_caption_prompts(const std::string& dir, const Encoder& encode, const Vocab& vocab) {
  const std::string text = caption_prompts_json(encode, vocab).dump() + "\n";
  const fs::path path = fs::path(dir) / kCaptionPromptsFile;
  std::ifstream old(path, std::ios::binary);
  std::ostringstream buf;
  if (old) buf << old.rdbuf();
  if (!old || buf.str() != text) write_atomic(path, text);
}

}  // namespace cf::tokenize
