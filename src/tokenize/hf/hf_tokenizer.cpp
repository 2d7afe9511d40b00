#include "tokenize/hf/hf_tokenizer.h"

#include <fstream>
#include <stdexcept>

#include "core/error.h"
#include "tokenize/hf/utf8.h"

namespace cf::tokenize::hf {

using json = nlohmann::json;

namespace {

// Ids of a post-processor as (before, after) the single sequence.
void post_processor_ids(const json& j, std::vector<int32_t>& before, std::vector<int32_t>& after) {
  if (j.is_null()) return;
  const std::string type = j.at("type").get<std::string>();
  if (type == "ByteLevel") return;  // offsets only
  if (type == "Sequence") {
    for (const auto& p : j.at("processors")) post_processor_ids(p, before, after);
    return;
  }
  if (type == "BertProcessing" || type == "RobertaProcessing") {
    before.push_back(j.at("cls").at(1).get<int32_t>());
    after.push_back(j.at("sep").at(1).get<int32_t>());
    return;
  }
  if (type != "TemplateProcessing") throw std::invalid_argument("unsupported post_processor type '" + type + "'");
  bool seen_sequence = false;
  for (const auto& item : j.at("single")) {
    if (item.contains("Sequence")) {
      seen_sequence = true;
      continue;
    }
    const std::string name = item.at("SpecialToken").at("id").get<std::string>();
    const json& special = j.at("special_tokens");
    if (!special.contains(name)) throw std::invalid_argument("post_processor: special token '" + name + "' has no ids");
    auto& to = seen_sequence ? after : before;
    for (const auto& id : special.at(name).at("ids")) to.push_back(id.get<int32_t>());
  }
}

}  // namespace

std::shared_ptr<const HfTokenizer> HfTokenizer::from_json(const json& j) {
  std::shared_ptr<HfTokenizer> t(new HfTokenizer());
  const auto part = [&](const char* key) { return j.contains(key) ? j.at(key) : json(); };
  try {
    t->normalizer_ = make_normalizer(part("normalizer"));
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("normalizer: ") + e.what());
  }
  try {
    t->pre_tokenizer_ = make_pre_tokenizer(part("pre_tokenizer"));
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("pre_tokenizer: ") + e.what());
  }
  try {
    t->decoder_ = make_decoder(part("decoder"));
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("decoder: ") + e.what());
  }
  try {
    t->model_ = BpeModel::from_json(j.at("model"));
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("model: ") + e.what());
  }
  try {
    post_processor_ids(part("post_processor"), t->prefix_ids_, t->suffix_ids_);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("post_processor: ") + e.what());
  }
  t->added_ = AddedVocabulary(AddedVocabulary::parse(part("added_tokens")), t->normalizer_.get());
  return t;
}

std::shared_ptr<const HfTokenizer> HfTokenizer::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open tokenizer.json");
  try {
    return from_json(json::parse(in));
  } catch (const std::exception& e) {
    throw DataError(path + ": " + e.what());
  }
}

std::vector<int32_t> HfTokenizer::encode(const std::string& text, bool add_special_tokens) const {
  if (!is_valid_utf8(text))  // the regex engine runs without UTF checks
    throw std::invalid_argument("HF tokenizer: the text is not valid UTF-8");
  std::vector<Piece> pieces{{text, true, -1}};
  if (text.empty()) pieces.clear();
  added_.split_raw(pieces);
  for (auto& p : pieces)
    if (p.id < 0 && normalizer_) normalizer_->normalize(p.text);
  split_pieces(pieces, [](Piece& p) { return std::vector<Piece>{p}; });  // drop emptied pieces
  added_.split_normalized(pieces);
  if (pre_tokenizer_) pre_tokenizer_->apply(pieces);
  std::vector<int32_t> ids;
  for (const auto& p : pieces) {
    if (p.id >= 0) {
      ids.push_back(p.id);
      continue;
    }
    const auto word = model_.tokenize(p.text);
    ids.insert(ids.end(), word.begin(), word.end());
  }
  return add_special_tokens ? apply_post_processor(std::move(ids)) : ids;
}

std::vector<int32_t> HfTokenizer::apply_post_processor(std::vector<int32_t> ids) const {
  std::vector<int32_t> out = prefix_ids_;
  out.insert(out.end(), ids.begin(), ids.end());
  out.insert(out.end(), suffix_ids_.begin(), suffix_ids_.end());
  return out;
}

std::string HfTokenizer::decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const {
  std::vector<std::string> tokens;
  for (int32_t id : ids) {
    const AddedToken* a = added_.by_id(id);
    if (a != nullptr) {
      if (!(skip_special_tokens && a->special)) tokens.push_back(a->content);
      continue;
    }
    const std::string* t = model_.id_to_token(id);
    if (t == nullptr) continue;  // unknown ids are dropped, as in tokenizers
    if (skip_special_tokens && added_.is_special_content(*t)) continue;
    tokens.push_back(*t);
  }
  if (!decoder_) {
    std::string out;
    for (size_t i = 0; i < tokens.size(); ++i) out += (i ? " " : "") + tokens[i];
    return out;
  }
  std::string out;
  for (const auto& s : decoder_->decode_chain(std::move(tokens))) out += s;
  return out;
}

int32_t HfTokenizer::token_to_id(const std::string& token) const {
  const int32_t a = added_.id_of(token);
  return a >= 0 ? a : model_.token_to_id(token);
}

std::string HfTokenizer::id_to_token(int32_t id) const {
  if (const AddedToken* a = added_.by_id(id)) return a->content;
  const std::string* t = model_.id_to_token(id);
  return t ? *t : std::string();
}

bool HfTokenizer::is_special(int32_t id) const {
  const AddedToken* a = added_.by_id(id);
  return a != nullptr && a->special;
}

size_t HfTokenizer::vocab_size() const {
  size_t n = model_.vocab_size();
  for (const auto& t : added_.tokens()) n = std::max(n, static_cast<size_t>(t.id) + 1);
  return n;
}

}  // namespace cf::tokenize::hf
