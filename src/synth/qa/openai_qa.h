// The openai QA backend: requests built from configs/prompts/qa_*.txt and
// cosmos_annotation.txt, and replies repaired and validated (json_schema.h). Rejections are
// counted by reason ("unparseable", "missing:qa", "entry.enum:kind", ...).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/config.h"
#include "net/chat_request.h"
#include "synth/qa/qa_types.h"

namespace cf::synth {

struct QaPrompts {
  std::string system, generate, annotation;
  double temperature = 0.7;
  int64_t max_tokens = 1500;
};
QaPrompts load_qa_prompts(const Config& config);

net::ChatRequest qa_request(const QaPrompts& p, const QaInput& in);
net::ChatRequest annotation_request(const QaPrompts& p, const QaInput& in);

// Valid pairs of a reply; invalid entries are skipped and counted in `rejects`. An empty
// result with `*reason` set means the whole reply was rejected.
std::vector<QaPair> parse_qa_reply(const std::string& content, std::map<std::string, int64_t>& rejects,
                                   std::string* reason);
// The Cosmos annotation of a reply, or "" with `*reason` set (also counted in `rejects`).
std::string parse_annotation_reply(const std::string& content, std::map<std::string, int64_t>& rejects,
                                   std::string* reason);

}  // namespace cf::synth
