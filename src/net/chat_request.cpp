#include "net/chat_request.h"

#include <stdexcept>

namespace cf::net {

std::string base64_encode(const std::string& bytes) {
  static const char* tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += tab[(v >> s) & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= uint8_t(bytes[i + 1]) << 8;
    out += tab[(v >> 18) & 63];
    out += tab[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? tab[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

nlohmann::json chat_request_body(const ChatRequest& req, const std::string& model) {
  nlohmann::json msgs = nlohmann::json::array();
  for (const auto& m : req.messages) {
    if (m.image_jpeg.empty()) {
      msgs.push_back({{"role", m.role}, {"content", m.text}});
      continue;
    }
    nlohmann::json parts = nlohmann::json::array();
    if (!m.text.empty()) parts.push_back({{"type", "text"}, {"text", m.text}});
    parts.push_back(
        {{"type", "image_url"}, {"image_url", {{"url", "data:image/jpeg;base64," + base64_encode(m.image_jpeg)}}}});
    msgs.push_back({{"role", m.role}, {"content", parts}});
  }
  nlohmann::json body = {
      {"model", model}, {"messages", msgs}, {"temperature", req.temperature}, {"max_tokens", req.max_tokens}};
  if (req.json_response) body["response_format"] = {{"type", "json_object"}};
  return body;
}

ChatReply parse_chat_reply(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw std::runtime_error("reply is not valid JSON (" + std::to_string(body.size()) + " bytes)");
  if (!j.is_object() || !j.contains("choices") || !j["choices"].is_array() || j["choices"].empty())
    throw std::runtime_error("reply has no choices");
  const auto& c = j["choices"][0];
  if (!c.is_object() || !c.contains("message") || !c["message"].is_object() || !c["message"].contains("content") ||
      !c["message"]["content"].is_string())
    throw std::runtime_error("reply has no message content");
  ChatReply r;
  r.content = c["message"]["content"].get<std::string>();
  if (c.contains("finish_reason") && c["finish_reason"].is_string()) r.finish_reason = c["finish_reason"];
  if (j.contains("usage") && j["usage"].is_object()) {
    const auto& u = j["usage"];
    if (u.contains("prompt_tokens") && u["prompt_tokens"].is_number_integer()) r.prompt_tokens = u["prompt_tokens"];
    if (u.contains("completion_tokens") && u["completion_tokens"].is_number_integer())
      r.completion_tokens = u["completion_tokens"];
  }
  return r;
}

}  // namespace cf::net
