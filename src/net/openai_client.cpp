#include "net/openai_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include <spdlog/spdlog.h>

namespace cf::net {
namespace {

struct Transfer {
  std::string body;
  int64_t retry_after_ms = -1;
};

size_t on_body(char* p, size_t size, size_t n, void* user) {
  static_cast<Transfer*>(user)->body.append(p, size * n);
  return size * n;
}

size_t on_header(char* p, size_t size, size_t n, void* user) {
  std::string h(p, size * n);
  std::string lower = h;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.rfind("retry-after:", 0) == 0) {
    try {
      static_cast<Transfer*>(user)->retry_after_ms = static_cast<int64_t>(std::stod(h.substr(12)) * 1000);
    } catch (...) {  // an HTTP date: ignore, our own backoff applies
    }
  }
  return size * n;
}

int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  if (type != CURLINFO_TEXT && type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT) return 0;
  std::string text(data, size);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  spdlog::trace("curl: {}", redact(text, *static_cast<const std::string*>(user)));
  return 0;
}

bool retryable_curl(CURLcode c) {
  switch (c) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR: return true;
    default: return false;
  }
}

bool retryable_status(long s) { return s == 408 || s == 409 || s == 429 || s >= 500; }

std::once_flag curl_init_once;

struct EasyHandle {
  CURL* h;
  EasyHandle() : h(curl_easy_init()) {}
  ~EasyHandle() { curl_easy_cleanup(h); }
};

}  // namespace

std::string redact(std::string text, const std::string& secret) {
  if (!secret.empty())
    for (size_t p = text.find(secret); p != std::string::npos; p = text.find(secret, p))
      text.replace(p, secret.size(), "***");
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (size_t p = lower.find("authorization:"); p != std::string::npos; p = lower.find("authorization:", p + 1)) {
    size_t end = text.find_first_of("\r\n", p);
    if (end == std::string::npos) end = text.size();
    text.replace(p, end - p, "Authorization: Bearer ***");
    lower.replace(p, end - p, "authorization: bearer ***");
  }
  return text;
}

OpenAiClient::OpenAiClient(ClientOptions options) : opt_(std::move(options)) {
  std::call_once(curl_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  opt_.concurrency = std::max(1, opt_.concurrency);
}

Usage OpenAiClient::usage() const {
  return {requests_.load(), failed_.load(), retries_.load(), prompt_tokens_.load(), completion_tokens_.load()};
}

ChatResult OpenAiClient::complete(const ChatRequest& req) {
  EasyHandle e;
  return complete_with(e.h, req);
}

std::vector<ChatResult> OpenAiClient::complete_all(const std::vector<ChatRequest>& reqs) {
  std::vector<ChatResult> out(reqs.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    EasyHandle e;  // one connection reused across this worker's requests
    for (size_t i; (i = next++) < reqs.size();) out[i] = complete_with(e.h, reqs[i]);
  };
  const size_t n = std::min<size_t>(opt_.concurrency, reqs.size());
  std::vector<std::thread> threads;
  for (size_t t = 1; t < n; ++t) threads.emplace_back(worker);
  if (n > 0) worker();
  for (auto& t : threads) t.join();
  return out;
}

ChatResult OpenAiClient::complete_with(void* handle, const ChatRequest& req) {
  CURL* curl = static_cast<CURL*>(handle);
  const std::string url = opt_.base_url + "/chat/completions";
  const std::string payload = chat_request_body(req, opt_.model).dump();
  thread_local std::mt19937_64 rng{std::random_device{}()};
  ++requests_;
  ChatResult res;
  for (int attempt = 0; attempt <= opt_.max_retries; ++attempt) {
    res.attempts = attempt + 1;
    Transfer t;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    if (!opt_.api_key.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + opt_.api_key).c_str());
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opt_.connect_timeout_ms));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(opt_.timeout_ms));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    if (spdlog::should_log(spdlog::level::trace)) {
      curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
      curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug);
      curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &opt_.api_key);
    }
    const CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);

    bool retry = false;
    if (rc != CURLE_OK) {
      res.error = std::string(curl_easy_strerror(rc)) + (errbuf[0] ? std::string(": ") + errbuf : "");
      retry = retryable_curl(rc);
    } else if (status != 200) {
      res.error = "HTTP " + std::to_string(status) + ": " + t.body.substr(0, 200);
      retry = retryable_status(status);
    } else {
      try {
        res.reply = parse_chat_reply(t.body);
        res.ok = true;
        res.error.clear();
        prompt_tokens_ += res.reply.prompt_tokens;
        completion_tokens_ += res.reply.completion_tokens;
        return res;
      } catch (const std::exception& e) {
        res.error = e.what();
        retry = true;
      }
    }
    res.error = redact(res.error, opt_.api_key);
    if (!retry || attempt == opt_.max_retries) break;
    const int64_t cap = opt_.backoff_max_ms;
    const int64_t base = std::min<int64_t>(cap, opt_.backoff_ms << std::min(attempt, 30));
    int64_t delay =
        base / 2 + static_cast<int64_t>(std::uniform_real_distribution<double>(0, 1)(rng) * (base - base / 2));
    if (t.retry_after_ms > delay) delay = std::min(t.retry_after_ms, cap);
    spdlog::debug("{}: attempt {} failed ({}); retrying in {} ms", url, attempt + 1, res.error, delay);
    ++retries_;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  }
  ++failed_;
  res.error = "after " + std::to_string(res.attempts) + " attempt" + (res.attempts > 1 ? "s" : "") + ": " + res.error;
  return res;
}

}  // namespace cf::net
