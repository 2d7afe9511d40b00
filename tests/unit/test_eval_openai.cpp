// The openai judge against a loopback cpp-httplib server: good replies, a slow first reply
// (client timeout + retry), a server that always fails, garbled replies asked again, replies
// that never hold a score (counted failures with the reason), and a position-biased judge
// whose verdicts cancel to ties.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "core/config.h"
#include "core/error.h"
#include "core/prompts.h"
#include "eval/eval_stage.h"
#include "eval/evaluate.h"
#include "eval/openai_judge.h"

using namespace cf::eval;
using cf::fill_template;
using cf::load_prompt;

namespace {

std::string reply(const std::string& content) {
  nlohmann::json j = {
      {"choices",
       {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", "stop"}}}},
      {"usage", {{"prompt_tokens", 5}, {"completion_tokens", 3}}}};
  return j.dump();
}

// The user prompt of a request body.
std::string user_text(const httplib::Request& rq) {
  return nlohmann::json::parse(rq.body)["messages"][1]["content"].get<std::string>();
}

// Grades like a careful judge: 5 when the answer equals the reference, else 2; prefers the
// answer equal to the reference.
std::string fair(const std::string& user) {
  auto between = [&](const std::string& a, const std::string& b) {
    size_t x = user.find(a) + a.size(), y = user.find(b, x);
    return user.substr(x, y - x);
  };
  if (user.find("Answer A:") != std::string::npos) {
    const std::string ref = between("(treat as correct):\n", "\n\nAnswer A:");
    const std::string a = between("Answer A:\n", "\n\nAnswer B:");
    const std::string b = between("Answer B:\n", "\n\nDecide");
    return std::string("Compared. <verdict>") + (a == ref && b != ref ? "A" : (b == ref && a != ref ? "B" : "tie")) +
           "</verdict>";
  }
  const std::string ref = between("(treat as correct):\n", "\n\nModel answer");
  const std::string ans = between("Model answer to grade:\n", "\n\nGrade");
  return "There are 3 cars. <score>" + std::string(ans == ref ? "5" : "2") + "</score>";
}

class JudgeServer : public ::testing::Test {
 protected:
  void SetUp() override {
    auto route = [this](const std::string& name, std::function<std::string(int, const std::string&)> f,
                        int status = 200, int delay_first_ms = 0) {
      srv_.Post("/" + name + "/v1/chat/completions", [=](const httplib::Request& rq, httplib::Response& rs) {
        const std::string user = user_text(rq);
        int n;
        {
          std::lock_guard<std::mutex> l(mu_);
          n = seen_[name + user]++;
          ++calls_[name];
        }
        if (delay_first_ms && n == 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_first_ms));
        rs.status = status;
        rs.set_content(status == 200 ? reply(f(n, user)) : "overloaded",
                       status == 200 ? "application/json" : "text/plain");
      });
    };
    route("good", [](int, const std::string& u) { return fair(u); });
    route(
        "slow", [](int, const std::string& u) { return fair(u); }, 200, 900);
    route(
        "down", [](int, const std::string&) { return ""; }, 503);
    route("garbled", [](int n, const std::string& u) { return n == 0 ? "They look similar, 3 or 4 maybe." : fair(u); });
    route("never", [](int, const std::string&) { return "Both answers are fine."; });
    route("biased", [](int, const std::string& u) {
      return u.find("Answer A:") != std::string::npos ? "<verdict>A</verdict>" : fair(u);
    });
    port_ = srv_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { srv_.listen_after_bind(); });
    while (!srv_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    srv_.stop();
    thread_.join();
  }
  OpenAiJudge judge(const std::string& name, int parse_retries = 2) {
    OpenAiJudgeOptions o;
    o.client.base_url = "http://127.0.0.1:" + std::to_string(port_) + "/" + name + "/v1";
    o.client.model = "judge";
    o.client.timeout_ms = 500;
    o.client.max_retries = 2;
    o.client.backoff_ms = 10;
    o.client.concurrency = 3;
    o.system_prompt = load_prompt("judge_system", "", "eval.prompt_system");
    o.score_prompt = load_prompt("judge_score", "", "eval.prompt_score");
    o.pairwise_prompt = load_prompt("judge_pairwise", "", "eval.prompt_pairwise");
    o.parse_retries = parse_retries;
    return OpenAiJudge(o);
  }
  static EvalSet two_models() {
    EvalSet s;
    s.models = {"good", "bad"};
    s.samples.push_back(
        {"s0", "i0", "general", "What matters?", "a cone in the ego lane", {"a cone in the ego lane", "nothing"}});
    s.samples.push_back({"s1", "i1", "suggestion", "What next?", "slow down", {"slow down", "speed up"}});
    s.samples.push_back(
        {"s2",
         "i2",
         "annotation",
         "Annotate.",
         R"({"weather":"Overcast","rule_violation":false})",
         {R"({"weather":"Overcast","rule_violation":false})", R"({"weather":"Clear skies","rule_violation":false})"}});
    return s;
  }
  int calls(const std::string& n) {
    std::lock_guard<std::mutex> l(mu_);
    return calls_[n];
  }

  httplib::Server srv_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::map<std::string, int> seen_, calls_;
};

}  // namespace

TEST_F(JudgeServer, GoodServerRanksTheRightModel) {
  auto j = judge("good");
  EvalOptions opt;
  opt.elo.bootstrap_rounds = 50;
  EvalResult r = evaluate(two_models(), j, opt);
  EXPECT_EQ(r.judgments_failed, 0);
  EXPECT_EQ(r.field.at("weather")[0].mean(true), 5);
  EXPECT_EQ(r.field.at("weather")[1].mean(true), 2);
  EXPECT_EQ(r.field.at("rule_violation")[1].mean(true), 5);
  EXPECT_EQ(r.task.at("general")[1].mean(true), 2);
  EXPECT_EQ(r.records[0][1].wins, 3);
  EXPECT_GT(r.elo.rating[0], r.elo.rating[1]);
  EXPECT_EQ(j.stats()["requests"], 2 * 4 + 2 * 3);  // 2 models x (2 texts + 2 fields) + 3 samples x 2 orders
}

TEST_F(JudgeServer, SlowFirstReplyIsRetriedByTheClient) {
  auto j = judge("slow");
  auto r = j.score({{"general", "", "q", "ref", "ref", {}, {}}});
  ASSERT_TRUE(r[0].ok) << r[0].reason;
  EXPECT_EQ(r[0].score, 5);
  EXPECT_GE(j.stats()["request_retries"].get<int>(), 1);
}

TEST_F(JudgeServer, FailingServerGivesCountedFailures) {
  auto j = judge("down");
  EvalOptions opt;
  opt.elo.bootstrap_rounds = 10;
  EvalResult r = evaluate(two_models(), j, opt);
  EXPECT_EQ(r.judgments_ok, 0);
  EXPECT_EQ(r.judgments_failed, 8 + 6);
  EXPECT_EQ(r.pairs_failed, 3);
  EXPECT_EQ(r.task.at("general")[0].failed, 1);
  EXPECT_EQ(r.task.at("general")[0].mean(true), 1);  // counted as the minimum, not dropped
  EXPECT_NE(r.judgments[0]["reason"].get<std::string>().find("request failed"), std::string::npos);
  EXPECT_NE(r.judgments[0]["reason"].get<std::string>().find("503"), std::string::npos) << r.judgments[0]["reason"];
  EXPECT_EQ(calls("down"), 14 * 3);  // each request: 1 + max_retries attempts, no re-asking
}

TEST_F(JudgeServer, GarbledRepliesAreAskedAgain) {
  auto j = judge("garbled");
  auto r = j.score({{"general", "", "q", "ref", "ref", {}, {}}, {"general", "", "q2", "ref", "other", {}, {}}});
  ASSERT_TRUE(r[0].ok && r[1].ok);
  EXPECT_EQ(r[0].score, 5);
  EXPECT_EQ(r[1].score, 2);
  EXPECT_EQ(j.stats()["reasked_unusable"], 2);
}

TEST_F(JudgeServer, RepliesWithoutScoreFailAfterRetriesWithReason) {
  auto j = judge("never", 1);
  auto r = j.score({{"general", "", "q", "ref", "ref", {}, {}}});
  ASSERT_FALSE(r[0].ok);
  EXPECT_NE(r[0].reason.find("no score in the reply"), std::string::npos) << r[0].reason;
  EXPECT_EQ(r[0].raw, "Both answers are fine.");
  EXPECT_EQ(calls("never"), 2);
  auto p = j.compare({{"general", "q", "ref", "a", "b"}});
  EXPECT_FALSE(p[0].ok);
  EXPECT_NE(p[0].reason.find("no verdict"), std::string::npos) << p[0].reason;
}

TEST_F(JudgeServer, PositionBiasCancelsToTies) {
  auto j = judge("biased");
  EvalOptions opt;
  opt.elo.bootstrap_rounds = 10;
  EvalResult r = evaluate(two_models(), j, opt);
  EXPECT_EQ(r.records[0][1].ties, 3);
  EXPECT_NEAR(r.elo.rating[0], r.elo.rating[1], 1e-9);
}

TEST(EvalConfig, ShippedPromptsFillAndBadPlaceholdersAreConfigErrors) {
  cf::ConfigSchema schema;
  declare_eval_config(schema);
  EXPECT_NO_THROW(fill_template(load_prompt("judge_score", "", "k"),
                                {{"question", ""}, {"guidance", ""}, {"reference", ""}, {"answer", ""}}, "k"));
  try {
    fill_template("Grade {{anwser}}", {{"answer", ""}}, "eval.prompt_score");
    FAIL();
  } catch (const cf::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("eval.prompt_score: unknown placeholder {{anwser}}"), std::string::npos);
  }
  EXPECT_THROW(load_prompt("judge_score", "/nonexistent/prompt.txt", "eval.prompt_score"), cf::ConfigError);
}
