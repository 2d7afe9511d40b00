// cf-caption backend `model`, torch-free half: prompts.json (ids of the caption prompts, made by
// cf-tokenizer), loading it with vocab.json by caption.tokenizer, decoding generated ids and
// rejecting empty or garbled captions.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "synth/caption/model_caption.h"
#include "tokenize/caption_prompts.h"

namespace fs = std::filesystem;
using cf::tokenize::PieceType;
using cf::tokenize::Vocab;
using testing::HasSubstr;

namespace {

// 0 <pad> 1 <unk> 2 <s> 3 <image> 4 </s> 5 ▁a 6 ▁car 7 . 8 <0xFF> 9 ▁the 10 ▁road 11 ▁ 12 1
Vocab table(int64_t image_tokens = 4) {
  std::vector<std::string> p{"<pad>",
                             "<unk>",
                             "<s>",
                             "<image>",
                             "</s>",
                             "\xE2\x96\x81"
                             "a",
                             "\xE2\x96\x81"
                             "car",
                             ".",
                             "<0xFF>",
                             "\xE2\x96\x81the",
                             "\xE2\x96\x81road",
                             "\xE2\x96\x81",
                             "1"};
  std::vector<PieceType> t(p.size(), PieceType::Normal);
  t[0] = t[2] = t[3] = t[4] = PieceType::Control;
  t[1] = PieceType::Unknown;
  t[8] = PieceType::Byte;
  Vocab v(p, t, {0, 1, 2, 4, 3});
  v.image_tokens_per_image = image_tokens;
  v.info = {{"model_sha256", "abc"}};
  return v;
}

// A stand-in encoder: one id per character class, enough to check the template's structure.
std::vector<int32_t> encode(const std::string& s) {
  std::vector<int32_t> ids;
  for (char ch : s) ids.push_back(ch == '\n' ? 12 : ch == ' ' ? 11 : ch == '.' ? 7 : 5);
  return ids;
}

template <class E = cf::DataError>
auto Throws(const std::string& part) {
  return testing::ThrowsMessage<E>(HasSubstr(part));
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("cf-capmodel-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path / "tokenizer"); }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST(CaptionModelPrompts, DocumentHoldsTemplatedIdsWithImagePlaceholders) {
  const Vocab v = table();
  const auto doc = cf::tokenize::caption_prompts_json(encode, v);
  const auto parsed = cf::tokenize::parse_caption_prompts(doc, v, "prompts.json");
  EXPECT_EQ(parsed.image_tokens, 4);
  EXPECT_EQ(parsed.tokenizer_sha256, "abc");
  ASSERT_EQ(parsed.prompts.size(), cf::tokenize::caption_prompt_questions().size());
  const auto& p = parsed.prompts.at("describe");
  EXPECT_EQ(p.question, "Describe the image in detail.");
  // <s> "USER: " <image>x4 "\n" question " ASSISTANT:"
  const std::vector<int32_t> expect_head{2, 5, 5, 5, 5, 5, 11, 3, 3, 3, 3, 12};
  ASSERT_GT(p.ids.size(), expect_head.size());
  EXPECT_EQ(std::vector<int32_t>(p.ids.begin(), p.ids.begin() + 12), expect_head);
  EXPECT_EQ(p.ids.size(), 12 + p.question.size() + std::string(" ASSISTANT:").size());
}

TEST(CaptionModelPrompts, ParseRejectsIdsThatDoNotFitTheVocabulary) {
  const Vocab v = table();
  const auto good = cf::tokenize::caption_prompts_json(encode, v);
  auto bad = good;
  bad["prompts"]["describe"]["ids"].push_back(13);
  EXPECT_THAT([&] { cf::tokenize::parse_caption_prompts(bad, v, "P"); },
              Throws("P prompt 'describe': id 13 is outside the vocabulary of 13 pieces"));
  bad = good;
  bad["prompts"]["describe"]["ids"].erase(bad["prompts"]["describe"]["ids"].begin() + 7);
  EXPECT_THAT([&] { cf::tokenize::parse_caption_prompts(bad, v, "P"); },
              Throws("3 image placeholders, expected 1 x 4"));
  bad = good;
  bad["tokenizer_sha256"] = "other";
  EXPECT_THAT([&] { cf::tokenize::parse_caption_prompts(bad, v, "P"); }, Throws("made with another tokenizer"));
  EXPECT_THROW(cf::tokenize::parse_caption_prompts(table(8).to_json(), v, "P"), cf::DataError);
  EXPECT_THROW(cf::tokenize::parse_caption_prompts(good, table(8), "P"), cf::DataError);  // image_tokens differ
}

TEST(CaptionModelPrompts, LoadCaptionTokenizerNamesItsKeys) {
  TempDir d;
  const Vocab v = table();
  std::ofstream(d.path / "tokenizer" / "vocab.json") << v.to_json().dump();
  EXPECT_THAT([&] { cf::synth::load_caption_tokenizer(d.path.string(), "describe"); },
              Throws<cf::ConfigError>("caption.tokenizer '" + d.path.string() + "': no vocab.json and prompts.json"));
  std::ofstream(d.path / "tokenizer" / "prompts.json") << cf::tokenize::caption_prompts_json(encode, v).dump();
  const auto t = cf::synth::load_caption_tokenizer(d.path.string(), "describe_scene");  // the output dir
  EXPECT_EQ(t.prompt.question, "Give a detailed description of the driving scene.");
  EXPECT_EQ(t.image_tokens, 4);
  EXPECT_EQ(t.vocab.size(), 13u);
  EXPECT_EQ(cf::synth::load_caption_tokenizer((d.path / "tokenizer").string(), "describe").prompt.ids[0], 2);
  EXPECT_THAT([&] { cf::synth::load_caption_tokenizer(d.path.string(), "poem"); },
              Throws<cf::ConfigError>("(describe, describe_dashcam, describe_scene, describe_this)"));
  std::ofstream(d.path / "tokenizer" / "prompts.json") << "{\"prompts\": 3}";
  EXPECT_THROW(cf::synth::load_caption_tokenizer(d.path.string(), "describe"), cf::ConfigError);
}

TEST(CaptionModelPrompts, DecodeDropsStopsTrimsAndCutsTruncatedText) {
  const Vocab v = table();
  using cf::synth::decode_caption;
  EXPECT_EQ(decode_caption(v, {9, 6, 7, 4}, {4}, false), "the car.");
  EXPECT_EQ(decode_caption(v, {11, 9, 6, 7, 12, 4}, {4, 12}, false), "the car.");  // extra stop id, spaces
  EXPECT_EQ(decode_caption(v, {9, 6, 7, 5, 10, 4}, {4}, true), "the car.");        // cut to whole sentences
  EXPECT_EQ(decode_caption(v, {9, 6, 5, 10, 4}, {4}, true), "the car a road");     // no sentence: kept
  EXPECT_EQ(decode_caption(v, {9, 6, 7, 5, 10, 4}, {4}, false), "the car. a road");
  EXPECT_EQ(decode_caption(v, {4}, {4}, false), "");
  EXPECT_THROW(decode_caption(v, {99}, {4}, false), std::out_of_range);
}

TEST(CaptionModelPrompts, EmptyAndGarbledCaptionsAreRejectedWithAReason) {
  using cf::synth::caption_problem;
  EXPECT_EQ(caption_problem("A car waits at the light.", 3, 4), "");
  EXPECT_EQ(caption_problem("Une voiture \xC3\xA0 gauche.", 3, 4), "");
  EXPECT_NE(caption_problem("", 3, 4).find("empty generation"), std::string::npos);
  EXPECT_NE(caption_problem("car \xEF\xBF\xBD", 3, 4).find("invalid UTF-8"), std::string::npos);
  EXPECT_NE(caption_problem("car \xE2\x81\x87 road", 3, 4).find("unknown pieces"), std::string::npos);
  EXPECT_NE(caption_problem("a 1", 3, 4).find("1 letters (caption.model_min_letters = 3)"), std::string::npos);
  EXPECT_NE(caption_problem("ab 1234567 ...", 2, 4).find("2 of 12 characters are letters"), std::string::npos);
  const std::string loop = "a car in the king the king the king the king the king the k";
  EXPECT_EQ(caption_problem(loop, 3, 0), "");  // check off
  EXPECT_EQ(caption_problem(loop, 3, 5), "");
  EXPECT_EQ(caption_problem(loop, 3, 4),
            "garbled generation: 'the king' 5 times in a row (caption.model_max_repeats = 4)");
  EXPECT_NE(caption_problem("car car car car car car", 3, 4).find("'car' 6 times"), std::string::npos);
  EXPECT_EQ(caption_problem("A car. A bus. A car.", 3, 1), "");  // not back to back
}
