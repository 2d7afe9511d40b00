#include "synth/qa/openai_qa.h"

#include "synth/caption/openai_caption.h"
#include "core/prompts.h"
#include "synth/qa/cosmos_annotation.h"
#include "synth/qa/json_schema.h"

namespace cf::synth {
namespace {

const std::vector<FieldSpec>& qa_entry_schema() {
  static const std::vector<FieldSpec> s = {{"task", JType::String, false, true, {"coda", "llava"}},
                                           {"kind",
                                            JType::String,
                                            false,
                                            true,
                                            {"general_perception", "region_perception", "driving_suggestion",
                                             "conversation", "detailed_description", "complex_reasoning"}},
                                           {"question", JType::String},
                                           {"answer", JType::String},
                                           {"box", JType::Box, true, false}};
  return s;
}

std::map<std::string, std::string> vars(const QaInput& in) {
  return {{"caption", in.fine_caption.empty() ? in.raw_caption : in.fine_caption},
          {"objects", objects_text(in.objects)},
          {"descriptions", descriptions_text(in.objects, 300)},
          {"width", std::to_string(in.width)},
          {"height", std::to_string(in.height)}};
}

}  // namespace

QaPrompts load_qa_prompts(const Config& c) {
  QaPrompts p;
  p.system = load_prompt("qa_system", c.get_string("qa.prompt_system"), "qa.prompt_system");
  p.generate = load_prompt("qa_generate", c.get_string("qa.prompt_generate"), "qa.prompt_generate");
  p.annotation = load_prompt("cosmos_annotation", c.get_string("qa.prompt_annotation"), "qa.prompt_annotation");
  p.temperature = c.get_float("qa.temperature");
  p.max_tokens = c.get_int("qa.max_tokens");
  return p;
}

net::ChatRequest qa_request(const QaPrompts& p, const QaInput& in) {
  net::ChatRequest r;
  r.temperature = p.temperature;
  r.max_tokens = p.max_tokens;
  r.json_response = true;
  r.messages = {{"system", p.system, ""}, {"user", fill_template(p.generate, vars(in), "qa.prompt_generate"), ""}};
  return r;
}

net::ChatRequest annotation_request(const QaPrompts& p, const QaInput& in) {
  net::ChatRequest r;
  r.temperature = p.temperature;
  r.max_tokens = p.max_tokens;
  r.json_response = true;
  r.messages = {{"system", p.system, ""}, {"user", fill_template(p.annotation, vars(in), "qa.prompt_annotation"), ""}};
  return r;
}

std::vector<QaPair> parse_qa_reply(const std::string& content, std::map<std::string, int64_t>& rejects,
                                   std::string* reason) {
  std::vector<QaPair> out;
  auto j = extract_json_object(content);
  if (!j) {
    ++rejects["unparseable"];
    *reason = "unparseable";
    return out;
  }
  if (!j->contains("qa") || !(*j)["qa"].is_array()) {
    ++rejects["missing:qa"];
    *reason = "missing:qa";
    return out;
  }
  for (auto e : (*j)["qa"]) {
    const std::string r = validate_and_coerce(e, qa_entry_schema());
    if (!r.empty()) {
      ++rejects["entry." + r];
      continue;
    }
    QaPair q{e["task"], e["kind"], e["question"], e["answer"]};
    if (e.contains("box") && e["box"].is_array())
      for (int k = 0; k < 4; ++k) q.box[k] = e["box"][k].get<float>();
    if (q.question.empty() || q.answer.empty()) {
      ++rejects["entry.empty"];
      continue;
    }
    q.source_backend = "openai";
    out.push_back(std::move(q));
  }
  if (out.empty()) *reason = "no valid question in the reply";
  return out;
}

std::string parse_annotation_reply(const std::string& content, std::map<std::string, int64_t>& rejects,
                                   std::string* reason) {
  auto j = extract_json_object(content);
  if (!j) {
    ++rejects["annotation.unparseable"];
    *reason = "unparseable";
    return "";
  }
  const std::string r = validate_and_coerce(*j, cosmos_schema());
  if (!r.empty()) {
    ++rejects["annotation." + r];
    *reason = r;
    return "";
  }
  return cosmos_json_text(*j);
}

}  // namespace cf::synth
