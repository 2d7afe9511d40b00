// Chat template and shard encoding with a stand-in encoder (one id per byte + 100): the loss
// mask covers exactly the answer and eos, images follow their samples, long samples fail.
#include <algorithm>

#include <gtest/gtest.h>

#include "core/error.h"
#include "tokenize/chat_template.h"
#include "tokenize/encode_shard.h"
#include "tokenize/token_bytes.h"

using namespace cf::tokenize;

namespace {

const SpecialIds kIds{0, 1, 2, 4, 3};

std::vector<int32_t> byte_encoder(const std::string& s) {
  std::vector<int32_t> ids;
  for (unsigned char c : s) ids.push_back(100 + c);
  return ids;
}

std::string text_of(const std::vector<int32_t>& ids, size_t from, size_t to) {
  std::string s;
  for (size_t i = from; i < to; ++i) s += static_cast<char>(ids[i] - 100);
  return s;
}

cf::Shard merged(const std::vector<std::string>& answers, const std::vector<int64_t>& n_images) {
  cf::Shard s;
  s.stage = "merge";
  std::vector<std::string> sid, iid, task, q;
  std::vector<int64_t> closed, rows, frames;
  std::vector<std::string> images;
  for (size_t i = 0; i < answers.size(); ++i) {
    sid.push_back("s" + std::to_string(i));
    iid.push_back("images/scene_" + std::to_string(i) + ".jpg");
    task.push_back("closed");
    q.push_back("Q" + std::to_string(i) + "?");
    closed.push_back(1);
    for (int64_t k = 0; k < n_images[i]; ++k) {
      rows.push_back(static_cast<int64_t>(i));
      frames.push_back(k);
      images.push_back("jpeg" + std::to_string(i) + "/" + std::to_string(k));
    }
  }
  s.items.put_bytes("sample_id", sid);
  s.items.put_bytes("item_id", iid);
  s.items.put_bytes("task", task);
  s.items.put_bytes("question", q);
  s.items.put_bytes("answer", answers);
  s.items.put_i64("closed", closed);
  s.items.put_i64("n_images", n_images);
  s.tables["images"].put_i64("item_row", rows);
  s.tables["images"].put_i64("frame_index", frames);
  s.tables["images"].put_bytes("image", images, false);
  return s;
}

}  // namespace

TEST(TokenizeTemplate, LossMaskCoversExactlyTheAnswerAndEos) {
  const ChatSample s = build_chat_sample(byte_encoder, kIds, 4, 2, "How many cars?", "Two.");
  ASSERT_EQ(s.ids.size(), s.loss_mask.size());
  EXPECT_EQ(s.ids.front(), kIds.bos);
  EXPECT_EQ(s.ids.back(), kIds.eos);
  EXPECT_EQ(std::count(s.ids.begin(), s.ids.end(), kIds.image), 8);  // 2 images x 4
  // bos "USER: " [img x4] "\n" [img x4] "\n" "How many cars? ASSISTANT:" | " Two." eos
  const size_t p = static_cast<size_t>(s.prompt_tokens);
  EXPECT_EQ(p, 1 + 6 + 2 * (4 + 1) + std::string("How many cars? ASSISTANT:").size());
  EXPECT_EQ(text_of(s.ids, 1, 7), "USER: ");
  EXPECT_EQ(text_of(s.ids, p - 25, p), "How many cars? ASSISTANT:");
  EXPECT_EQ(text_of(s.ids, p, s.ids.size() - 1), " Two.");
  for (size_t i = 0; i < s.ids.size(); ++i) EXPECT_EQ(s.loss_mask[i], i >= p ? 1 : 0) << i;
  EXPECT_EQ(build_prompt(byte_encoder, kIds, 4, 2, "How many cars?"),
            std::vector<int32_t>(s.ids.begin(), s.ids.begin() + static_cast<long>(p)));
}

TEST(TokenizeTemplate, MissingSpecialIdsAreErrors) {
  EXPECT_THROW(build_chat_sample(byte_encoder, {0, 1, -1, 4, 3}, 4, 1, "q", "a"), std::invalid_argument);
  EXPECT_THROW(build_chat_sample(byte_encoder, {0, 1, 2, -1, 3}, 4, 1, "q", "a"), std::invalid_argument);
  EXPECT_THROW(build_chat_sample(byte_encoder, {0, 1, 2, 4, -1}, 4, 1, "q", "a"), std::invalid_argument);
  EXPECT_NO_THROW(build_chat_sample(byte_encoder, {0, 1, 2, 4, -1}, 4, 0, "q", "a"));
}

TEST(TokenizeTemplate, ShardKeepsImagesWithTheirSamplesAndFailsLongOnes) {
  EncodeOptions o;
  o.image_tokens = 4;
  o.source = "train/shard-000000.h5";
  const std::string long_answer(60, 'x');
  const cf::Shard in = merged({"Yes.", long_answer, "No.", "Three."}, {1, 2, 0, 3});
  const ChatSample s3 = build_chat_sample(byte_encoder, kIds, 4, 3, "Q3?", "Three.");
  o.max_length = static_cast<int64_t>(s3.ids.size());  // fits exactly; sample 1 does not
  int64_t done = 0;
  const cf::Shard out = encode_shard(in, byte_encoder, kIds, o, [&](int64_t n) { done += n; });
  EXPECT_EQ(done, 4);
  ASSERT_EQ(out.items.rows(), 3u);
  EXPECT_EQ(out.items.bytes("sample_id"), (std::vector<std::string>{"s0", "s2", "s3"}));
  EXPECT_EQ(out.items.bytes("answer")[2], "Three.");
  EXPECT_EQ(ids_from_bytes(out.items.bytes("input_ids")[2]), s3.ids);
  EXPECT_EQ(mask_from_bytes(out.items.bytes("loss_mask")[2]), s3.loss_mask);
  EXPECT_EQ(out.items.i64("n_tokens")[2], static_cast<int64_t>(s3.ids.size()));
  EXPECT_EQ(out.items.i64("prompt_tokens")[2], s3.prompt_tokens);
  ASSERT_EQ(out.failures.size(), 1u);
  EXPECT_EQ(out.failures[0].item_id, "s1");
  EXPECT_EQ(out.failures[0].source, o.source);
  EXPECT_NE(out.failures[0].reason.find("tokenizer.max_length"), std::string::npos) << out.failures[0].reason;
  const auto& img = out.tables.at("images");
  EXPECT_EQ(img.i64("item_row"), (std::vector<int64_t>{0, 2, 2, 2}));
  EXPECT_EQ(img.i64("frame_index"), (std::vector<int64_t>{0, 0, 1, 2}));
  EXPECT_EQ(img.bytes("image")[0], "jpeg0/0");
  EXPECT_EQ(img.bytes("image")[3], "jpeg3/2");
}

TEST(TokenizeTemplate, ImageCountMismatchFailsTheSampleAndMissingColumnsNameTheShard) {
  cf::Shard in = merged({"a", "b"}, {1, 1});
  in.items.put_i64("n_images", {2, 1});
  EncodeOptions o;
  o.source = "eval/shard-000007.h5";
  const cf::Shard out = encode_shard(in, byte_encoder, kIds, o);
  ASSERT_EQ(out.failures.size(), 1u);
  EXPECT_NE(out.failures[0].reason.find("n_images is 2"), std::string::npos) << out.failures[0].reason;
  EXPECT_EQ(out.tables.at("images").i64("item_row"), (std::vector<int64_t>{0}));

  cf::Shard bad = merged({"a"}, {1});
  bad.items = bad.items.select({0});
  cf::Table t;
  t.put_bytes("sample_id", {"s"});
  bad.items = t;
  try {
    encode_shard(bad, byte_encoder, kIds, o);
    FAIL() << "no exception";
  } catch (const cf::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("eval/shard-000007.h5"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("item_id"), std::string::npos) << e.what();
  }
}
