// Sentencepiece side of the tokenizer (own binary: sentencepiece cannot share a process with
// LibTorch, which cf_unit_tests loads). Run by tests/mpi/tokenizer_sentencepiece.sh.
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "core/error.h"
#include "tokenize/chat_template.h"
#include "tokenize/spm.h"
#include "tokenize/tokenizer_dir.h"

namespace fs = std::filesystem;
using namespace cf::tokenize;

namespace {

// Driving-dataset-like sentences, seeded.
std::vector<std::string> corpus(size_t n, uint32_t seed = 7) {
  const char* words[] = {"the",   "car",   "cars",    "pedestrian", "is",       "crossing", "road",  "night", "day",
                         "fog",   "rain",  "traffic", "light",      "red",      "green",    "sign",  "stop",  "speed",
                         "limit", "ahead", "lane",    "ego",        "vehicle",  "there",    "are",   "a",     "Yes.",
                         "No.",   "How",   "many",    "What",       "weather?", "cyclist",  "debris"};
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    std::string s;
    const size_t len = 3 + rng() % 10;
    for (size_t k = 0; k < len; ++k) s += std::string(k ? " " : "") + words[rng() % (sizeof words / sizeof *words)];
    if (rng() % 3 == 0) s += " " + std::to_string(rng() % 130) + " km/h";
    out.push_back(s);
  }
  return out;
}

const SpmModel& shared_model() {
  static const SpmModel m = SpmModel::from_bytes(train_spm(corpus(1500), {"bpe", 400, 3, 1.0}), "test model");
  return m;
}

fs::path temp_dir(const std::string& name) {
  auto d = fs::temp_directory_path() / ("cf_spm_" + name + "_" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST(TokenizeSpm, DecodeOfEncodeIsTheTextForManyStrings) {
  const SpmModel& m = shared_model();
  const Vocab v = m.vocab();
  std::vector<std::string> texts = corpus(200, 99);
  texts.insert(texts.end(),
               {"", " ", "  two  spaces ", "\n", "line1\nline2\t tab", "12345678901234567890", "3.14 km/h, -7 m",
                "Straße im Schnee", "déjà vu ÉÀ", "東京の交差点", "emoji \xF0\x9F\x9A\x97\xF0\x9F\x9A\xA6",
                "<image> is text here", "</s> <s> <pad>", "ASSISTANT: USER:"});
  for (const auto& t : texts) {
    const auto ids = m.encode(t);
    EXPECT_EQ(v.decode(ids), t) << "cf_vocab decode of '" << t << "'";
    EXPECT_EQ(m.decode(ids), t) << "sentencepiece decode of '" << t << "'";
  }
  // The one sentencepiece limit: a literal U+2581 in the text is its space symbol. Both
  // decoders agree that it comes back as a space.
  const auto ids = m.encode(
      "a\xE2\x96\x81"
      "b");
  EXPECT_EQ(m.decode(ids), "a b");
  EXPECT_EQ(v.decode(ids), "a b");
}

TEST(TokenizeSpm, DigitsAreSplitAndTextNeverBecomesTheImageId) {
  const SpmModel& m = shared_model();
  const Vocab v = m.vocab();
  const auto ids = m.encode("2024");
  EXPECT_EQ(ids.size(), 4u);
  for (const std::string t : {"<image>", "look: <image>\n<image>"})
    for (int32_t id : m.encode(t)) EXPECT_NE(id, v.special().image) << t;
}

TEST(TokenizeSpm, ImageIdIsPinnedWhereAsked) {
  const auto text = corpus(300);
  for (int32_t image = 0; image < kMetaPieces; ++image) {
    const Vocab v = SpmModel::from_bytes(train_spm(text, {"bpe", 320, image, 1.0}), "m").vocab();
    const SpecialIds want = pinned_ids(image);
    EXPECT_EQ(v.special().image, image);
    EXPECT_EQ(v.piece(image), "<image>");
    EXPECT_EQ(v.type(image), PieceType::Control);
    EXPECT_EQ(v.special().pad, want.pad);
    EXPECT_EQ(v.special().unk, want.unk);
    EXPECT_EQ(v.special().bos, want.bos);
    EXPECT_EQ(v.special().eos, want.eos);
  }
  const SpecialIds d = pinned_ids(3);
  EXPECT_EQ(d.pad, 0);
  EXPECT_EQ(d.unk, 1);
  EXPECT_EQ(d.bos, 2);
  EXPECT_EQ(d.eos, 4);
  EXPECT_THROW(pinned_ids(5), cf::ConfigError);
}

TEST(TokenizeSpm, TrainingIsDeterministicAndUnigramWorks) {
  const auto text = corpus(500);
  EXPECT_EQ(train_spm(text, {"bpe", 350, 3, 1.0}), train_spm(text, {"bpe", 350, 3, 1.0}));
  const SpmModel u = SpmModel::from_bytes(train_spm(text, {"unigram", 350, 3, 1.0}), "unigram");
  EXPECT_EQ(u.vocab().decode(u.encode("the red light, 50 km/h")), "the red light, 50 km/h");
  EXPECT_THROW(train_spm({}, {}), cf::Error);
}

TEST(TokenizeSpm, TokenizerDirIsWrittenReusedAndChecksUserModels) {
  const auto dir = temp_dir("dir");
  TokenizerSettings s;
  s.train = {"bpe", 400, 3, 1.0};
  s.image_tokens = 16;
  const std::string key = tokenizer_key(s, "upstream-hash");
  EXPECT_FALSE(tokenizer_ready((dir / "tok").string(), key));
  const Vocab v = build_tokenizer_dir((dir / "tok").string(), s, key, [] { return corpus(800); });
  EXPECT_TRUE(tokenizer_ready((dir / "tok").string(), key));
  EXPECT_FALSE(tokenizer_ready((dir / "tok").string(), tokenizer_key(s, "other-upstream")));
  const Vocab r = Vocab::load((dir / "tok" / "vocab.json").string());
  EXPECT_EQ(r.size(), v.size());
  EXPECT_EQ(r.image_tokens_per_image, 16);
  EXPECT_EQ(r.special().image, 3);
  EXPECT_EQ(r.template_text, kTemplateText);
  const SpmModel m = SpmModel::load((dir / "tok" / "tokenizer.model").string());
  EXPECT_EQ(r.decode(m.encode("a red light ahead")), "a red light ahead");

  // A user model: accepted where <image> matches, refused (naming the file) where it does not.
  TokenizerSettings user = s;
  user.model_path = (dir / "tok" / "tokenizer.model").string();
  const Vocab uv = build_tokenizer_dir((dir / "user").string(), user, tokenizer_key(user, ""), {});
  EXPECT_EQ(uv.info["source"], user.model_path);
  user.train.image_id = 4;
  try {
    build_tokenizer_dir((dir / "user2").string(), user, "k", {});
    FAIL() << "no exception";
  } catch (const cf::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("tokenizer.image_token_id = 4"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(user.model_path), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

TEST(TokenizeSpm, ChatSampleDecodesBackToTheTemplate) {
  const SpmModel& m = shared_model();
  const Vocab v = m.vocab();
  const Encoder enc = [&m](const std::string& t) { return m.encode(t); };
  const ChatSample s = build_chat_sample(enc, v.special(), 8, 2, "Is there a cyclist?", "Yes.");
  std::vector<int32_t> answer(s.ids.begin() + s.prompt_tokens, s.ids.end());
  EXPECT_EQ(v.decode(answer), " Yes.");
  std::vector<int32_t> prompt(s.ids.begin(), s.ids.begin() + s.prompt_tokens);
  EXPECT_EQ(v.decode(prompt), "USER: \n\nIs there a cyclist? ASSISTANT:");
  EXPECT_EQ(std::count(s.ids.begin(), s.ids.end(), 3), 16);
}
