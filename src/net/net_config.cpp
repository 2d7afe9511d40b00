#include "net/net_config.h"

#include <cstdlib>

#include "core/error.h"

namespace cf::net {

void declare_net_config(ConfigSchema& c) {
  c.add_string("net.base_url", "http://127.0.0.1:8000/v1",
               "OpenAI-compatible API root; requests go to {base_url}/chat/completions");
  c.add_string("net.model", "gpt-4o-mini", "Model name sent with every request");
  c.add_string("net.api_key_env", "OPENAI_API_KEY",
               "Name of the environment variable holding the API key (empty = no key); never logged");
  c.add_int("net.concurrency", 4, "Requests in flight per rank", 1, 256);
  c.add_int("net.connect_timeout_ms", 5000, "Connect timeout, milliseconds", 1, 600000);
  c.add_int("net.timeout_ms", 120000, "Timeout of one request including the reply, milliseconds", 1, 3600000);
  c.add_int("net.max_retries", 5, "Retries after the first attempt (429, 5xx, timeouts, bad replies)", 0, 100);
  c.add_int("net.backoff_ms", 500, "First retry delay; doubles per retry, with jitter", 0, 600000);
  c.add_int("net.backoff_max_ms", 30000, "Longest retry delay", 0, 3600000);
}

ClientOptions read_net_options(const Config& c) {
  ClientOptions o;
  o.base_url = c.get_string("net.base_url");
  if (o.base_url.empty()) throw ConfigError("net.base_url is empty");
  while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
  o.model = c.get_string("net.model");
  const std::string env = c.get_string("net.api_key_env");
  if (!env.empty()) {
    const char* v = std::getenv(env.c_str());
    if (!v || !*v)
      throw ConfigError("net.api_key_env names the environment variable '" + env +
                        "', which is not set (set it, or set net.api_key_env to \"\" for a server without keys)");
    o.api_key = v;
  }
  o.concurrency = static_cast<int>(c.get_int("net.concurrency"));
  o.connect_timeout_ms = c.get_int("net.connect_timeout_ms");
  o.timeout_ms = c.get_int("net.timeout_ms");
  o.max_retries = static_cast<int>(c.get_int("net.max_retries"));
  o.backoff_ms = c.get_int("net.backoff_ms");
  o.backoff_max_ms = c.get_int("net.backoff_max_ms");
  return o;
}

}  // namespace cf::net
