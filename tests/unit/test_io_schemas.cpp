// io/schemas: the declared shard columns of every stage, as the writers check them before a
// shard is written and readers check the columns they need.
#include <filesystem>
#include <functional>
#include <string>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "io/schemas.h"
#include "io/stage_dir.h"
#include "train/token_data.h"

namespace {

using ::testing::HasSubstr;

cf::Shard merge_shard() {
  cf::Shard s;
  s.stage = "merge";
  s.items.put_bytes("sample_id", {"a#q00"});
  s.items.put_bytes("item_id", {"a.jpg"});
  s.items.put_bytes("task", {"closed"});
  s.items.put_bytes("question", {"How many cars?"});
  s.items.put_bytes("answer", {"2"});
  s.items.put_i64("closed", {1});
  s.items.put_i64("n_images", {1});
  s.tables["images"].put_i64("item_row", {0});
  s.tables["images"].put_i64("frame_index", {-1});
  s.tables["images"].put_bytes("image", {"jpeg"}, false);
  return s;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const cf::DataError& e) {
    return e.what();
  }
  return "";
}

TEST(IoSchemas, EveryStageOfTheChainIsDeclared) {
  for (const char* st : {"ingest", "segment", "retrieve", "caption", "qa", "merge", "tokenize", "generate"}) {
    const cf::StageSchema* s = cf::stage_schema(st);
    ASSERT_NE(s, nullptr) << st;
    ASSERT_NE(s->find("items"), nullptr) << st;
  }
  EXPECT_EQ(cf::stage_schema("nonsense"), nullptr);
}

TEST(IoSchemas, WriterCheckAcceptsTheDeclaredShapeOnly) {
  EXPECT_NO_THROW(cf::check_stage_shard(merge_shard(), "out/shard-000000.h5"));
  auto extra = merge_shard();
  extra.items.put_bytes("caption", {"x"});
  EXPECT_THAT(error_of([&] { cf::check_stage_shard(extra, "out/s.h5"); }),
              HasSubstr("undeclared column 'caption' in items"));
  auto retyped = merge_shard();
  retyped.items.put_bytes("closed", {"yes"});
  EXPECT_THAT(error_of([&] { cf::check_stage_shard(retyped, "out/s.h5"); }), HasSubstr("items.closed must be int64"));
  cf::Shard missing = merge_shard();
  missing.items = cf::Table();
  missing.items.put_bytes("sample_id", {"a#q00"});
  EXPECT_THAT(error_of([&] { cf::check_stage_shard(missing, "out/s.h5"); }), HasSubstr("lacks the column items."));
  auto table = merge_shard();
  table.tables["regions"].put_i64("item_row", {0});
  EXPECT_THAT(error_of([&] { cf::check_stage_shard(table, "out/s.h5"); }), HasSubstr("undeclared table 'regions'"));
  auto unknown = merge_shard();
  unknown.stage = "nonsense";
  EXPECT_THAT(error_of([&] { cf::check_stage_shard(unknown, "out/s.h5"); }), HasSubstr("no declared shard columns"));
}

TEST(IoSchemas, OptionalColumnsMayBeAbsent) {
  cf::Shard s;  // a token shard written before the question column existed
  s.stage = "tokenize";
  for (const char* c : {"sample_id", "item_id", "task", "answer", "input_ids", "loss_mask"})
    s.items.put_bytes(c, {"x"});
  for (const char* c : {"closed", "n_images", "n_tokens", "prompt_tokens"}) s.items.put_i64(c, {0});
  EXPECT_NO_THROW(cf::check_stage_shard(s, "tok/s.h5"));
}

TEST(IoSchemas, ReadersNameTheShardTableAndColumn) {
  const auto s = merge_shard();
  EXPECT_NO_THROW(cf::require_columns(s, "merge", "items", {"question", "closed"}, "data/train/shard-000000.h5"));
  cf::Shard qa;  // a cf-qa directory given where a merged dataset belongs
  qa.items.put_bytes("item_id", {"a.jpg"});
  EXPECT_EQ(error_of([&] {
              cf::require_columns(qa, "merge", "items", {"item_id", "question"}, "qa/shard-000000.h5");
            }),
            "qa/shard-000000.h5: items has no column 'question' (not a merge output?)");
  cf::Shard bad = merge_shard();
  bad.items.put_f32("closed", {1.0f});
  EXPECT_THAT(error_of([&] { cf::require_columns(bad, "merge", "items", {"closed"}, "x.h5"); }),
              HasSubstr("items.closed is not int64"));
}

TEST(IoSchemas, ADatasetOfAnotherStageFailsOnceWithTheShardNamed) {
  // A merged dataset given to the trainer: the first shard read names itself and the column.
  namespace fs = std::filesystem;
  const fs::path d = fs::temp_directory_path() / ("cf_schemas_" + std::to_string(getpid()));
  fs::create_directories(d);
  cf::write_shard((d / cf::shard_file_name(0)).string(), merge_shard());
  cf::write_stage_plan(d.string(), {"merge", 1, "x"});
  cf::TokenDataset data(d.string());
  EXPECT_EQ(error_of([&] { data.get(0); }),
            (d / cf::shard_file_name(0)).string() + ": items has no column 'prompt_tokens' (not a tokenize output?)");
  fs::remove_all(d);
}

}  // namespace
