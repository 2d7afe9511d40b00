// Client of an OpenAI-compatible chat-completions server (POST {base_url}/chat/completions)
// over libcurl. Each call retries, with exponential backoff and jitter (Retry-After honoured,
// capped), on 408/409/429/5xx, connect/transfer timeouts, dropped or truncated bodies and
// replies that are not the expected JSON; other 4xx fail at once. Failures after the last
// retry come back as a result with ok=false and a reason, never as an exception, so a stage
// can record a failure for that item. complete_all() runs `concurrency` worker threads with
// one reusable easy handle each. The API key goes only into the Authorization header: it is
// never logged, and any debug trace shows it as "Bearer ***".
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "net/chat_request.h"

namespace cf::net {

struct ClientOptions {
  std::string base_url;  // without the trailing /chat/completions
  std::string model;
  std::string api_key;  // empty: no Authorization header
  int concurrency = 4;
  int64_t connect_timeout_ms = 5000;
  int64_t timeout_ms = 120000;
  int max_retries = 5;
  int64_t backoff_ms = 500;
  int64_t backoff_max_ms = 30000;
};

struct ChatResult {
  bool ok = false;
  ChatReply reply;    // valid when ok
  std::string error;  // why it failed after all attempts (last attempt's reason)
  int attempts = 0;
};

struct Usage {
  int64_t requests = 0, failed = 0, retries = 0, prompt_tokens = 0, completion_tokens = 0;
};

class OpenAiClient {
 public:
  explicit OpenAiClient(ClientOptions options);
  ChatResult complete(const ChatRequest& req);  // thread-safe
  // Results in the order of `reqs`, `concurrency` requests in flight.
  std::vector<ChatResult> complete_all(const std::vector<ChatRequest>& reqs);
  Usage usage() const;  // totals since construction
  const ClientOptions& options() const { return opt_; }

 private:
  ChatResult complete_with(void* curl, const ChatRequest& req);
  ClientOptions opt_;
  std::atomic<int64_t> requests_{0}, failed_{0}, retries_{0}, prompt_tokens_{0}, completion_tokens_{0};
};

// Replaces every occurrence of `secret` in `text` by "***" and any Authorization header value
// by "Bearer ***" (for log lines and error messages).
std::string redact(std::string text, const std::string& secret);

}  // namespace cf::net
