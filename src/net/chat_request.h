// Chat-completion requests and replies of the OpenAI-compatible API as plain structs, and their
// JSON: the request body (text and image content parts, the image as a base64 data URL) and the
// parsing of a reply (content, finish reason, token usage). No I/O here.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cf::net {

struct ChatMessage {
  std::string role;  // "system", "user", "assistant"
  std::string text;
  std::string image_jpeg;  // optional JPEG bytes, sent as a data:image/jpeg;base64 URL part
};

struct ChatRequest {
  std::vector<ChatMessage> messages;
  double temperature = 0.2;
  int64_t max_tokens = 512;
  bool json_response = false;  // response_format {"type":"json_object"}
};

struct ChatReply {
  std::string content;
  std::string finish_reason;
  int64_t prompt_tokens = 0, completion_tokens = 0;
};

std::string base64_encode(const std::string& bytes);

// The POST body for `model`.
nlohmann::json chat_request_body(const ChatRequest& req, const std::string& model);

// Parses a reply body; throws std::runtime_error saying what is wrong (not JSON, no choices,
// no message content) so the caller can retry.
ChatReply parse_chat_reply(const std::string& body);

}  // namespace cf::net
