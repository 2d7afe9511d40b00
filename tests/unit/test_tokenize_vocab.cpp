// cf_vocab: the torch-side piece table (decode conventions of sentencepiece), token arrays.
// The round trip against sentencepiece itself is in src/tokenize/tests (its own binary).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/error.h"
#include "tokenize/token_bytes.h"
#include "tokenize/vocab.h"

using cf::tokenize::PieceType;
using cf::tokenize::Vocab;

namespace {

// 0 <pad> 1 <unk> 2 <s> 3 <image> 4 </s> 5 ▁the 6 ▁car 7 s 8 <0xC3> 9 <0xA9> 10 <0xFF> 11 ▁ 12 1
Vocab table() {
  std::vector<std::string> p{"<pad>",
                             "<unk>",
                             "<s>",
                             "<image>",
                             "</s>",
                             "\xE2\x96\x81the",
                             "\xE2\x96\x81"
                             "car",
                             "s",
                             "<0xC3>",
                             "<0xA9>",
                             "<0xFF>",
                             "\xE2\x96\x81",
                             "1"};
  std::vector<PieceType> t{PieceType::Control, PieceType::Unknown, PieceType::Control, PieceType::Control,
                           PieceType::Control, PieceType::Normal,  PieceType::Normal,  PieceType::Normal,
                           PieceType::Byte,    PieceType::Byte,    PieceType::Byte,    PieceType::Normal,
                           PieceType::Normal};
  Vocab v(p, t, {0, 1, 2, 4, 3});
  v.image_tokens_per_image = 64;
  return v;
}

}  // namespace

TEST(TokenizeVocab, DecodeFollowsSentencepieceConventions) {
  const Vocab v = table();
  EXPECT_EQ(v.decode({2, 3, 3, 5, 6, 7, 4, 0}), " the cars");  // control ids vanish
  EXPECT_EQ(v.decode({6, 11, 8, 9}), " car \xC3\xA9");         // byte pieces join into UTF-8
  EXPECT_EQ(v.decode({8, 12}),
            "\xEF\xBF\xBD"
            "1");                              // a lone lead byte -> U+FFFD
  EXPECT_EQ(v.decode({10}), "\xEF\xBF\xBD");   // 0xFF is never UTF-8
  EXPECT_EQ(v.decode({1}), " \xE2\x81\x87 ");  // unknown -> " ⁇ "
  EXPECT_EQ(v.decode({}), "");
}

TEST(TokenizeVocab, StripsFirstSpaceOnlyWhenTheModelAddsADummyPrefix) {
  Vocab v = table();
  v.strip_leading_space = true;
  EXPECT_EQ(v.decode({2, 5, 6}), "the car");
  EXPECT_EQ(v.decode({7, 5}), "s the");
}

TEST(TokenizeVocab, OutOfRangeIdsAreErrorsNamingTheId) {
  const Vocab v = table();
  try {
    v.decode({5, 13});
    FAIL() << "no exception";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("13"), std::string::npos) << e.what();
  }
  EXPECT_THROW(v.decode({-1}), std::out_of_range);
}

TEST(TokenizeVocab, JsonRoundTripAndLoadErrors) {
  Vocab v = table();
  v.template_text = "t";
  v.info = {{"source", "test"}};
  const auto dir = std::filesystem::temp_directory_path() / ("cf_vocab_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "vocab.json").string();
  std::ofstream(path) << v.to_json().dump();
  const Vocab r = Vocab::load(path);
  EXPECT_EQ(r.size(), v.size());
  EXPECT_EQ(r.piece(6), v.piece(6));
  EXPECT_EQ(r.type(9), PieceType::Byte);
  EXPECT_EQ(r.special().image, 3);
  EXPECT_EQ(r.special().eos, 4);
  EXPECT_EQ(r.image_tokens_per_image, 64);
  EXPECT_EQ(r.info["source"], "test");
  EXPECT_EQ(r.decode({5, 6, 7}), v.decode({5, 6, 7}));
  EXPECT_EQ(v.to_json()["special"], (nlohmann::json{{"pad", 0}, {"unk", 1}, {"bos", 2}, {"image", 3}, {"eos", 4}}));

  std::ofstream(path) << "{\"format\": \"cornerforge-vocab-1\", \"pieces\": [\"a\"], \"types\": []}";
  try {
    Vocab::load(path);
    FAIL() << "no exception";
  } catch (const cf::DataError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_THROW(Vocab::load((dir / "missing.json").string()), cf::DataError);
  std::filesystem::remove_all(dir);
}

TEST(TokenizeVocab, TokenArraysAreLittleEndian) {
  const std::vector<int32_t> ids{0, 1, 2047, -1, 0x01020304};
  const std::string b = cf::tokenize::ids_to_bytes(ids);
  ASSERT_EQ(b.size(), 20u);
  EXPECT_EQ(b.substr(16, 4), std::string("\x04\x03\x02\x01", 4));
  EXPECT_EQ(cf::tokenize::ids_from_bytes(b), ids);
  EXPECT_THROW(cf::tokenize::ids_from_bytes("abc"), std::invalid_argument);
  const std::vector<uint8_t> m{0, 1, 1};
  EXPECT_EQ(cf::tokenize::mask_from_bytes(cf::tokenize::mask_to_bytes(m)), m);
}
