// The `net.*` config keys of stages that call an OpenAI-compatible server, and their reading
// into ClientOptions (the API key is read from the environment variable named by net.api_key_env).
#pragma once
#include "core/config.h"
#include "net/openai_client.h"

namespace cf::net {

void declare_net_config(ConfigSchema& schema);
// Throws ConfigError when net.base_url is empty or the key variable is named but unset.
ClientOptions read_net_options(const Config& config);

}  // namespace cf::net
