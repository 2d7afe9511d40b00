// Answers format: a "generate" stage directory of shards and JSONL files, joined by sample_id;
// errors name the source and row; the evaluation counts failed judgments.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/error.h"
#include "eval/answers.h"
#include "eval/evaluate.h"
#include "io/shard.h"
#include "io/stage_dir.h"

namespace fs = std::filesystem;
using namespace cf::eval;

namespace {
fs::path scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("cf-eval-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write_generate_dir(const fs::path& dir, const std::string& model, const std::vector<std::string>& answers) {
  fs::create_directories(dir);
  cf::Shard s;
  s.stage = "generate";
  const size_t n = answers.size();
  std::vector<std::string> ids, items, tasks, qs, refs, models(n, model);
  for (size_t i = 0; i < n; ++i) {
    ids.push_back("s" + std::to_string(i));
    items.push_back("images/scene_" + std::to_string(i) + ".jpg");
    tasks.push_back(i == 0 ? "closed" : "general_perception");
    qs.push_back("q" + std::to_string(i));
    refs.push_back(i == 0 ? "2" : "a red car is ahead");
  }
  s.items.put_bytes("sample_id", ids);
  s.items.put_bytes("item_id", items);
  s.items.put_bytes("source", items);
  s.items.put_bytes("task", tasks);
  s.items.put_bytes("question", qs);
  s.items.put_bytes("reference", refs);
  s.items.put_bytes("answer", answers);
  s.items.put_bytes("model", models);
  cf::write_shard((dir / cf::shard_file_name(0)).string(), s);
  cf::write_stage_plan(dir.string(), {"generate", 1, "test"});
}
}  // namespace

TEST(EvalAnswers, StageDirectoryAndJsonlJoin) {
  const fs::path d = scratch("answers");
  write_generate_dir(d / "gen_a", "model-a", {"2", "a red car is ahead", "x"});
  {
    std::ofstream f(d / "b.jsonl");
    f << R"({"sample_id":"s1","item_id":"images/scene_1.jpg","task":"general_perception","question":"q1","reference":"a red car is ahead","answer":"a bus"})"
         "\n\n";
    f << R"({"sample_id":"s0","task":"closed","question":"q0","reference":"2","answer":"3"})"
         "\n";
    f << R"({"sample_id":"s9","task":"closed","question":"q9","reference":"1","answer":"1"})"
         "\n";
  }
  auto rows = read_answers((d / "gen_a").string(), "");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].task, "general");
  EXPECT_EQ(rows[1].model, "model-a");
  auto more = read_answers((d / "b.jsonl").string(), "");
  EXPECT_EQ(more[0].model, "b");  // no model column: the file's name
  rows.insert(rows.end(), more.begin(), more.end());
  const EvalSet set = join_answers(rows);
  ASSERT_EQ(set.models, (std::vector<std::string>{"model-a", "b"}));
  ASSERT_EQ(set.samples.size(), 2u);  // s2 and s9 are not answered by both
  EXPECT_EQ(set.samples[0].sample_id, "s0");
  EXPECT_EQ(set.samples[0].answers, (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(set.excluded.at("model-a"), 1);
  EXPECT_EQ(set.excluded.at("b"), 1);
  // An explicit model name overrides the column; the same model twice is an error naming both rows.
  auto again = read_answers((d / "gen_a").string(), "b");
  rows.insert(rows.end(), again.begin(), again.end());
  try {
    join_answers(rows);
    FAIL() << "duplicate accepted";
  } catch (const cf::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("model 'b' answers sample 's0' twice"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("b.jsonl:3 and "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("shard-000000.h5 row 0"), std::string::npos) << e.what();
  }
  fs::remove_all(d);
}

TEST(EvalAnswers, ErrorsNameTheSource) {
  const fs::path d = scratch("bad");
  auto expect_error = [](const std::string& src, const std::string& what) {
    try {
      read_answers(src, "");
      FAIL() << src;
    } catch (const cf::Error& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  {
    std::ofstream(d / "broken.jsonl")
        << "{\"answer\":\"x\",\"reference\":\"y\",\"task\":\"closed\",\"sample_id\":\"a\"}\n{oops\n";
  }
  expect_error((d / "broken.jsonl").string(), "broken.jsonl:2: not JSON");
  { std::ofstream(d / "noref.jsonl") << "{\"answer\":\"x\",\"task\":\"closed\"}\n"; }
  expect_error((d / "noref.jsonl").string(), "noref.jsonl:1: no 'reference'");
  expect_error((d / "missing.jsonl").string(), "does not exist");
  write_generate_dir(d / "gen", "m", {"2", "a"});
  cf::write_stage_plan((d / "gen").string(), {"generate", 2, "test"});  // shard 1 missing
  expect_error((d / "gen").string(), "shard-000001.h5");
  cf::write_stage_plan((d / "gen").string(), {"qa", 1, "test"});
  expect_error((d / "gen").string(), "holds stage 'qa', not 'generate'");
  fs::remove_all(d);
}

namespace {
// A judge that fails every third request, to check failures are counted and not dropped.
class FlakyJudge : public Judge {
 public:
  std::string name() const override { return "flaky"; }
  std::vector<ScoreJudgment> score(const std::vector<ScoreRequest>& reqs) override {
    std::vector<ScoreJudgment> out;
    for (size_t i = 0; i < reqs.size(); ++i) {
      ScoreJudgment j;
      j.ok = i % 3 != 2;
      j.score = 5;
      j.reason = j.ok ? "" : "server down";
      out.push_back(j);
    }
    return out;
  }
  std::vector<PairJudgment> compare(const std::vector<PairRequest>& reqs) override {
    std::vector<PairJudgment> out(reqs.size());
    for (size_t i = 0; i < reqs.size(); ++i) out[i] = {i != 1, i % 2 ? -1 : 1, "", ""};
    return out;
  }
};
}  // namespace

TEST(EvalAnswers, FailedJudgmentsAreCountedAndScoredAsMinimum) {
  EvalSet set;
  set.models = {"a", "b"};
  for (int i = 0; i < 3; ++i) set.samples.push_back({"s" + std::to_string(i), "", "general", "q", "ref", {"x", "y"}});
  FlakyJudge judge;
  EvalOptions opt;
  opt.elo.bootstrap_rounds = 10;
  EvalResult r = evaluate(set, judge, opt);
  // 6 score judgments (2 failed: requests 2 and 5) + 6 pair judgments (1 failed).
  EXPECT_EQ(r.judgments_failed, 3);
  EXPECT_EQ(r.judgments_ok, 9);
  EXPECT_EQ(r.judgments.size(), 12u);
  const Tally& a = r.task.at("general")[0];
  EXPECT_EQ(a.judged + a.failed, 3);
  EXPECT_DOUBLE_EQ(r.task.at("general")[0].mean(true) + r.task.at("general")[1].mean(true),
                   (5 + 5 + 1) / 3.0 + (5 + 1 + 5) / 3.0);
  EXPECT_DOUBLE_EQ(a.mean(false), 5.0);
  EXPECT_EQ(r.pairs_failed, 1);
  ASSERT_EQ(r.outcomes.size(), 2u);  // samples 1 and 2; verdicts +1 then -1 = a wins both
  EXPECT_EQ(r.records[0][1].wins, 2);
}
