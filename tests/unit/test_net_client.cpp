// OpenAiClient against a loopback cpp-httplib server: normal replies, timeouts, 5xx, 429 with
// Retry-After, garbage and truncated bodies, non-retryable 4xx, concurrency, and the API key
// never appearing in logs or error messages.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "net/openai_client.h"

namespace {

using cf::net::ChatRequest;
using cf::net::OpenAiClient;

const char* kKey = "sk-test-SECRET-4242";

std::string good_reply(const std::string& content) {
  nlohmann::json j = {
      {"choices",
       {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", "stop"}}}},
      {"usage", {{"prompt_tokens", 11}, {"completion_tokens", 7}}}};
  return j.dump();
}

class NetServer : public ::testing::Test {
 protected:
  void SetUp() override {
    auto route = [this](const std::string& name,
                        std::function<void(int, const httplib::Request&, httplib::Response&)> f) {
      srv_.Post("/" + name + "/v1/chat/completions",
                [this, name, f](const httplib::Request& rq, httplib::Response& rs) {
                  int n;
                  {
                    std::lock_guard<std::mutex> l(mu_);
                    n = calls_[name]++;
                    last_body_[name] = rq.body;
                    last_auth_[name] = rq.get_header_value("Authorization");
                  }
                  f(n, rq, rs);
                });
    };
    auto ok = [](httplib::Response& rs) { rs.set_content(good_reply("hello"), "application/json"); };
    route("ok", [=](int, const httplib::Request&, httplib::Response& rs) { ok(rs); });
    route("slow", [=](int n, const httplib::Request&, httplib::Response& rs) {
      if (n == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1200));
      ok(rs);
    });
    route("flaky", [=](int n, const httplib::Request&, httplib::Response& rs) {
      if (n < 2) {
        rs.status = 503;
        rs.set_content("busy", "text/plain");
      } else ok(rs);
    });
    route("always500", [](int, const httplib::Request& rq, httplib::Response& rs) {
      rs.status = 500;  // a careless server echoing the header back
      rs.set_content("internal error; you sent " + rq.get_header_value("Authorization"), "text/plain");
    });
    route("garbage", [=](int n, const httplib::Request&, httplib::Response& rs) {
      if (n == 0) rs.set_content("{\"choices\": [ {\"mess", "application/json");
      else ok(rs);
    });
    route("truncated", [=](int n, const httplib::Request&, httplib::Response& rs) {
      if (n > 0) return ok(rs);
      rs.set_content_provider(1000, "application/json", [](size_t off, size_t, httplib::DataSink& sink) {
        if (off == 0) sink.write("{\"choices\":[", 12);
        return off == 0;  // stop after 12 of 1000 announced bytes: the connection closes
      });
    });
    route("ratelimit", [=](int n, const httplib::Request&, httplib::Response& rs) {
      if (n == 0) {
        rs.status = 429;
        rs.set_header("Retry-After", "0.4");
        rs.set_content("slow down", "text/plain");
      } else ok(rs);
    });
    route("badrequest", [](int, const httplib::Request&, httplib::Response& rs) {
      rs.status = 400;
      rs.set_content("{\"error\":\"bad model\"}", "application/json");
    });
    route("echo", [](int, const httplib::Request& rq, httplib::Response& rs) {
      auto j = nlohmann::json::parse(rq.body);
      rs.set_content(good_reply(j["messages"].back()["content"].get<std::string>()), "application/json");
    });
    port_ = srv_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { srv_.listen_after_bind(); });
    while (!srv_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    srv_.stop();
    thread_.join();
  }
  cf::net::ClientOptions opts(const std::string& name) {
    cf::net::ClientOptions o;
    o.base_url = "http://127.0.0.1:" + std::to_string(port_) + "/" + name + "/v1";
    o.model = "test-model";
    o.api_key = kKey;
    o.timeout_ms = 400;
    o.max_retries = 3;
    o.backoff_ms = 20;
    o.backoff_max_ms = 2000;
    return o;
  }
  static ChatRequest hello() {
    ChatRequest r;
    r.messages = {{"user", "hi", ""}};
    return r;
  }
  int calls(const std::string& n) {
    std::lock_guard<std::mutex> l(mu_);
    return calls_[n];
  }

  httplib::Server srv_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::map<std::string, int> calls_;
  std::map<std::string, std::string> last_body_, last_auth_;
};

TEST_F(NetServer, NormalReplyCountsTokensAndSendsKeyAndBody) {
  OpenAiClient c(opts("ok"));
  ChatRequest r = hello();
  r.messages.push_back({"user", "look", std::string("\xff\xd8\xff", 3)});
  r.json_response = true;
  auto res = c.complete(r);
  ASSERT_TRUE(res.ok) << res.error;
  EXPECT_EQ(res.reply.content, "hello");
  EXPECT_EQ(res.attempts, 1);
  EXPECT_EQ(last_auth_["ok"], std::string("Bearer ") + kKey);
  auto body = nlohmann::json::parse(last_body_["ok"]);
  EXPECT_EQ(body["model"], "test-model");
  EXPECT_EQ(body["response_format"]["type"], "json_object");
  EXPECT_EQ(body["messages"][1]["content"][1]["image_url"]["url"], "data:image/jpeg;base64,/9j/");
  EXPECT_EQ(c.usage().prompt_tokens, 11);
  EXPECT_EQ(c.usage().completion_tokens, 7);
}

TEST_F(NetServer, SlowReplyTimesOutThenRetrySucceeds) {
  OpenAiClient c(opts("slow"));
  auto res = c.complete(hello());
  ASSERT_TRUE(res.ok) << res.error;
  EXPECT_EQ(res.attempts, 2);
  EXPECT_EQ(c.usage().retries, 1);
}

TEST_F(NetServer, ServerErrorsThenSuccess) {
  OpenAiClient c(opts("flaky"));
  auto res = c.complete(hello());
  ASSERT_TRUE(res.ok) << res.error;
  EXPECT_EQ(res.attempts, 3);
}

TEST_F(NetServer, AlwaysFailingGivesReasonAfterBoundedRetriesAndRedactsKey) {
  OpenAiClient c(opts("always500"));
  auto res = c.complete(hello());
  EXPECT_FALSE(res.ok);
  EXPECT_EQ(res.attempts, 4);
  EXPECT_EQ(calls("always500"), 4);
  EXPECT_NE(res.error.find("HTTP 500"), std::string::npos) << res.error;
  EXPECT_NE(res.error.find("after 4 attempts"), std::string::npos) << res.error;
  EXPECT_EQ(res.error.find(kKey), std::string::npos) << res.error;
  EXPECT_EQ(c.usage().failed, 1);
}

TEST_F(NetServer, GarbageAndTruncatedBodiesAreRetried) {
  for (const char* name : {"garbage", "truncated"}) {
    OpenAiClient c(opts(name));
    auto res = c.complete(hello());
    ASSERT_TRUE(res.ok) << name << ": " << res.error;
    EXPECT_EQ(res.attempts, 2) << name;
  }
}

TEST_F(NetServer, RateLimitWaitsForRetryAfter) {
  OpenAiClient c(opts("ratelimit"));
  auto t0 = std::chrono::steady_clock::now();
  auto res = c.complete(hello());
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(res.ok) << res.error;
  EXPECT_EQ(res.attempts, 2);
  EXPECT_GE(ms, 390.0);
}

TEST_F(NetServer, ClientErrorIsNotRetried) {
  OpenAiClient c(opts("badrequest"));
  auto res = c.complete(hello());
  EXPECT_FALSE(res.ok);
  EXPECT_EQ(res.attempts, 1);
  EXPECT_NE(res.error.find("HTTP 400"), std::string::npos);
}

TEST_F(NetServer, CompleteAllKeepsOrderWithConcurrency) {
  auto o = opts("echo");
  o.concurrency = 4;
  OpenAiClient c(o);
  std::vector<ChatRequest> reqs;
  for (int i = 0; i < 20; ++i) {
    ChatRequest r;
    r.messages = {{"user", "q" + std::to_string(i), ""}};
    reqs.push_back(r);
  }
  auto res = c.complete_all(reqs);
  ASSERT_EQ(res.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(res[i].reply.content, "q" + std::to_string(i));
  EXPECT_EQ(c.usage().prompt_tokens, 20 * 11);
}

TEST_F(NetServer, KeyNeverAppearsInTraceLogs) {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto logger = std::make_shared<spdlog::logger>("capture", sink);
  logger->set_level(spdlog::level::trace);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  for (const char* name : {"ok", "always500", "ratelimit"}) OpenAiClient(opts(name)).complete(hello());
  spdlog::set_default_logger(previous);
  const std::string log = captured.str();
  EXPECT_NE(log.find("Bearer ***"), std::string::npos) << "trace output expected";
  EXPECT_NE(log.find("retrying"), std::string::npos);
  EXPECT_EQ(log.find(kKey), std::string::npos);
}

TEST(NetRequest, Base64AndRedact) {
  EXPECT_EQ(cf::net::base64_encode(""), "");
  EXPECT_EQ(cf::net::base64_encode("f"), "Zg==");
  EXPECT_EQ(cf::net::base64_encode("fo"), "Zm8=");
  EXPECT_EQ(cf::net::base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(cf::net::redact("Authorization: Bearer abc\r\nX: 1", "abc"), "Authorization: Bearer ***\r\nX: 1");
  EXPECT_EQ(cf::net::redact("key=k1 and k1", "k1"), "key=*** and ***");
}

TEST(NetRequest, ParseReplyRejectsMalformed) {
  EXPECT_THROW(cf::net::parse_chat_reply("not json"), std::runtime_error);
  EXPECT_THROW(cf::net::parse_chat_reply("{\"choices\":[]}"), std::runtime_error);
  EXPECT_THROW(cf::net::parse_chat_reply("{\"choices\":[{\"message\":{}}]}"), std::runtime_error);
  auto r = cf::net::parse_chat_reply(good_reply("x"));
  EXPECT_EQ(r.content, "x");
  EXPECT_EQ(r.finish_reason, "stop");
}

}  // namespace
