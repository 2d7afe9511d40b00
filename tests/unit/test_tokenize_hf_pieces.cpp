// Pieces of the HF tokenizer.json tokenizer (src/tokenize/hf): byte map, UTF-8 repair,
// regex search, split behaviors, BPE merges, byte fallback, added-token splitting, decoders,
// the LLaVA-1.5 template and errors. The whole pipeline against HF `tokenizers` is
// tests/mpi/hf_tokenizer_reference.sh.
#include <gtest/gtest.h>

#include <set>

#include "tokenize/hf/hf_tokenizer.h"
#include "tokenize/hf/llava_template.h"
#include "tokenize/hf/regex.h"
#include "tokenize/hf/split.h"
#include "tokenize/hf/utf8.h"

namespace hf = cf::tokenize::hf;
using json = nlohmann::json;

namespace {

// A BPE tokenizer.json with `vocab` ids in order, `merges`, no normalizer / pre-tokenizer.
json tiny(const std::vector<std::string>& vocab, const std::vector<std::string>& merges) {
  json v = json::object();
  for (size_t i = 0; i < vocab.size(); ++i) v[vocab[i]] = i;
  return {{"model", {{"type", "BPE"}, {"vocab", v}, {"merges", merges}}}};
}

std::vector<int32_t> ids(const json& j, const std::string& text) {
  return hf::HfTokenizer::from_json(j)->encode(text, false);
}

}  // namespace

TEST(HfByteLevel, MapIsABijectionOntoPrintableChars) {
  const auto& m = hf::byte_to_char();
  EXPECT_EQ(m[' '], "\xC4\xA0");   // Ġ
  EXPECT_EQ(m['\n'], "\xC4\x8A");  // Ċ
  EXPECT_EQ(m['A'], "A");
  EXPECT_EQ(m[0xAD], "\xC5\x83");  // the last remapped byte, U+0143
  std::set<std::string> seen(m.begin(), m.end());
  EXPECT_EQ(seen.size(), 256u);
  for (int b = 0; b < 256; ++b) {
    const std::string& c = m[static_cast<size_t>(b)];
    uint32_t cp = c.size() == 1
                      ? static_cast<unsigned char>(c[0])
                      : ((static_cast<unsigned char>(c[0]) & 0x1F) << 6) | (static_cast<unsigned char>(c[1]) & 0x3F);
    EXPECT_EQ(hf::char_to_byte(cp), b);
  }
  EXPECT_EQ(hf::char_to_byte(0x4E00), -1);
}

TEST(HfUtf8, LossyReplacesMaximalSubparts) {
  EXPECT_EQ(hf::utf8_lossy("ok \xE6\x9D\xB1"), "ok \xE6\x9D\xB1");
  EXPECT_EQ(hf::utf8_lossy("\xE2\x82"
                           "a"),
            "\xEF\xBF\xBD"
            "a");                                                                     // truncated: one
  EXPECT_EQ(hf::utf8_lossy("\x80\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // stray: each
  EXPECT_EQ(hf::utf8_lossy("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_FALSE(hf::is_valid_utf8("\xC0\xAF"));
}

TEST(HfRegex, UnicodeClassesAndEmptyMatches) {
  const hf::Regex letters("\\p{L}+");
  const std::string s = "h\xC3\xA9llo 42 \xE6\x9D\xB1\xE4\xBA\xAC";  // héllo 42 東京
  const auto m = letters.find_all(s);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(s.substr(m[0].first, m[0].second - m[0].first), "h\xC3\xA9llo");
  EXPECT_EQ(s.substr(m[1].first), "\xE6\x9D\xB1\xE4\xBA\xAC");
  EXPECT_EQ(hf::Regex("x*").find_all("ab").size(), 3u);  // empty at 0, 1, 2
  EXPECT_THROW(hf::Regex("(unclosed"), std::invalid_argument);
  EXPECT_EQ(hf::Regex(hf::Regex::escape("a.b")).find_all("axb a.b").size(), 1u);
}

TEST(HfSplit, BehaviorsMatchTokenizersDocs) {
  const std::string s = "the-final--countdown";
  const auto segs = hf::literal_segments("-", s);
  const auto run = [&](hf::SplitBehavior b) {
    std::vector<std::string> out;
    for (const auto& sp : hf::apply_split(segs, b)) out.push_back(s.substr(sp.first, sp.second - sp.first));
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(run(hf::SplitBehavior::Removed), (V{"the", "final", "countdown"}));
  EXPECT_EQ(run(hf::SplitBehavior::Isolated), (V{"the", "-", "final", "-", "-", "countdown"}));
  EXPECT_EQ(run(hf::SplitBehavior::MergedWithPrevious), (V{"the-", "final-", "-", "countdown"}));
  EXPECT_EQ(run(hf::SplitBehavior::MergedWithNext), (V{"the", "-final", "-", "-countdown"}));
  EXPECT_EQ(run(hf::SplitBehavior::Contiguous), (V{"the", "-", "final", "--", "countdown"}));
  EXPECT_THROW(hf::split_behavior_from_string("Sideways"), std::invalid_argument);
}

TEST(HfBpe, MergesApplyByRankThenLeftmost) {
  // "b c" outranks "a b": abc -> a bc -> abc.
  EXPECT_EQ(ids(tiny({"a", "b", "c", "ab", "bc", "abc"}, {"b c", "a b", "a bc"}), "abc"), (std::vector<int32_t>{5}));
  // Without "a bc" the word stays a + bc although "a b" exists.
  EXPECT_EQ(ids(tiny({"a", "b", "c", "ab", "bc"}, {"b c", "a b"}), "abc"), (std::vector<int32_t>{0, 4}));
  // Equal ranks: leftmost first, so aaa -> aa a.
  EXPECT_EQ(ids(tiny({"a", "aa"}, {"a a"}), "aaa"), (std::vector<int32_t>{1, 0}));
  // Merges as pairs (tokenizers >= 0.20 writes them so).
  json j = tiny({"a", "b", "ab"}, {});
  j["model"]["merges"] = json::array({json::array({"a", "b"})});
  EXPECT_EQ(ids(j, "ab"), (std::vector<int32_t>{2}));
}

TEST(HfBpe, ByteFallbackAndFusedUnknown) {
  json j = tiny({"<unk>", "a", "<0xC3>", "<0xA9>"}, {});
  j["model"]["unk_token"] = "<unk>";
  j["model"]["fuse_unk"] = true;
  EXPECT_EQ(ids(j, "axya"), (std::vector<int32_t>{1, 0, 1}));  // x y fused into one unk
  j["model"]["fuse_unk"] = false;
  EXPECT_EQ(ids(j, "axya"), (std::vector<int32_t>{1, 0, 0, 1}));
  j["model"]["byte_fallback"] = true;
  EXPECT_EQ(ids(j, "a\xC3\xA9"), (std::vector<int32_t>{1, 2, 3}));  // é as two byte pieces
  j["decoder"] = {{"type", "Sequence"}, {"decoders", {{{"type", "ByteFallback"}}, {{"type", "Fuse"}}}}};
  const auto t = hf::HfTokenizer::from_json(j);
  EXPECT_EQ(t->decode({1, 2, 3}), "a\xC3\xA9");
  EXPECT_EQ(t->decode({1, 2}), "a\xEF\xBF\xBD");  // a lone lead byte
}

TEST(HfAddedTokens, LeftmostLongestAndStrip) {
  json j = tiny({"a", "b", " "}, {});
  j["added_tokens"] = {
      {{"id", 10}, {"content", "<x>"}, {"normalized", false}, {"special", true}},
      {{"id", 11}, {"content", "<x><y>"}, {"normalized", false}, {"special", true}},
      {{"id", 12}, {"content", "<p>"}, {"normalized", false}, {"special", true}, {"lstrip", true}, {"rstrip", true}},
      {{"id", 13}, {"content", "ab"}, {"normalized", true}, {"single_word", true}}};
  const auto t = hf::HfTokenizer::from_json(j);
  EXPECT_EQ(t->encode("a<x><y>b<x>", false), (std::vector<int32_t>{0, 11, 1, 10}));
  EXPECT_EQ(t->encode("a  <p>  b", false), (std::vector<int32_t>{0, 12, 1}));
  EXPECT_EQ(t->encode("ab a ab", false), (std::vector<int32_t>{13, 2, 0, 2, 13}));
  EXPECT_EQ(t->encode("aab", false), (std::vector<int32_t>{0, 0, 1}));  // not a single word
  EXPECT_EQ(t->decode({0, 10, 1}, true), "a b");                        // no decoder: tokens joined by spaces
  EXPECT_EQ(t->token_to_id("<x><y>"), 11);
  EXPECT_EQ(t->vocab_size(), 14u);
}

TEST(HfTokenizer, ErrorsNameThePart) {
  json j = tiny({"a"}, {});
  j["model"]["type"] = "Unigram";
  try {
    hf::HfTokenizer::from_json(j);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Unigram"), std::string::npos);
  }
  EXPECT_THROW(hf::HfTokenizer::from_json(tiny({"a", "b"}, {"a b"})), std::invalid_argument);
  json k = tiny({"a"}, {});
  k["pre_tokenizer"] = {{"type", "BertPreTokenizer"}};
  EXPECT_THROW(hf::HfTokenizer::from_json(k), std::invalid_argument);
  EXPECT_THROW(hf::HfTokenizer::load("/nonexistent/tokenizer.json"), std::exception);
  EXPECT_THROW(hf::HfTokenizer::from_json(tiny({"a"}, {}))->encode("a\xFF"), std::invalid_argument);
}

TEST(HfLlavaTemplate, MasksAnswersAndExpandsImages) {
  // Character-level vocab over the template's letters; "<image>", "<s>", "</s>" added.
  json j = tiny({}, {});
  const std::string chars = "USERASITNabcdefghijklmnopqrstuvwxyz:? \n";
  for (size_t i = 0; i < chars.size(); ++i) j["model"]["vocab"][std::string(1, chars[i])] = i;
  j["added_tokens"] = {{{"id", 100}, {"content", "<s>"}, {"normalized", false}, {"special", true}},
                       {{"id", 101}, {"content", "</s>"}, {"normalized", false}, {"special", true}},
                       {{"id", 102}, {"content", "<image>"}, {"normalized", false}, {"special", true}}};
  j["post_processor"] = {
      {"type", "TemplateProcessing"},
      {"single", {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
      {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {100}}, {"tokens", {"<s>"}}}}}}};
  const auto t = hf::HfTokenizer::from_json(j);
  hf::LlavaTemplate tpl;
  tpl.image_tokens = 3;
  EXPECT_EQ(hf::llava_text(tpl, 1, {{"q?", "ok"}}, false), "USER: <image>\nq? ASSISTANT: ok</s>");
  const auto s = hf::build_llava_sample(*t, tpl, 1, {{"q?", "ok"}});
  // <s> U S E R : ' ' <image>x3 \n q ? ' ' A S S I S T A N T : | ' ' o k </s>
  ASSERT_EQ(s.ids.size(), 1u + 6 + 3 + 1 + 2 + 11 + 4);
  EXPECT_EQ(s.ids[0], 100);
  EXPECT_EQ(std::count(s.ids.begin(), s.ids.end(), 102), 3);
  EXPECT_EQ(s.prompt_tokens, 24);
  for (size_t i = 0; i < s.ids.size(); ++i) EXPECT_EQ(s.loss_mask[i], i >= 24 ? 1 : 0) << i;
  EXPECT_EQ(s.ids.back(), 101);
  const auto p = hf::build_llava_prompt(*t, tpl, 1, "q?");
  EXPECT_TRUE(std::equal(p.begin(), p.end(), s.ids.begin()));
  EXPECT_EQ(static_cast<int64_t>(p.size()), s.prompt_tokens);
  tpl.image_token = "<img>";
  EXPECT_THROW(hf::build_llava_sample(*t, tpl, 1, {{"q", "a"}}), std::invalid_argument);
}
