#include "synth/caption/openai_caption.h"

#include <cmath>
#include <set>

#include "core/prompts.h"
#include "synth/caption/scene_text.h"

namespace cf::synth {

CaptionPrompts load_caption_prompts(const Config& c) {
  CaptionPrompts p;
  p.system = load_prompt("caption_system", c.get_string("caption.prompt_system"), "caption.prompt_system");
  p.raw = load_prompt("caption_raw", c.get_string("caption.prompt_raw"), "caption.prompt_raw");
  p.refine = load_prompt("caption_refine", c.get_string("caption.prompt_refine"), "caption.prompt_refine");
  p.temperature = c.get_float("caption.temperature");
  p.max_tokens = c.get_int("caption.max_tokens");
  p.max_description_chars = static_cast<size_t>(c.get_int("caption.max_description_chars"));
  return p;
}

std::string objects_text(const std::vector<RetrievedRegion>& objects) {
  if (objects.empty()) return "(none)";
  std::string s;
  for (const auto& o : objects) {
    s += "- " + o.label;
    if (o.box[2] > 0) {
      s += " [";
      for (int k = 0; k < 4; ++k) s += (k ? ", " : "") + std::to_string(static_cast<long>(std::lround(o.box[k])));
      s += "]";
    }
    s += "\n";
  }
  s.pop_back();
  return s;
}

std::string descriptions_text(const std::vector<RetrievedRegion>& objects, size_t max_chars) {
  std::string s;
  std::set<std::string> said;
  for (const auto& o : objects) {
    const std::string key = o.kb_name.empty() ? o.label : o.kb_name;
    if (o.description.empty() || !said.insert(key).second) continue;
    s += "- " + key + ": " + first_sentences(o.description, max_chars);
    if (!o.relevance_text.empty()) s += " (driving: " + first_sentences(o.relevance_text, max_chars) + ")";
    s += "\n";
  }
  if (s.empty()) return "(no notes)";
  s.pop_back();
  return s;
}

net::ChatRequest raw_caption_request(const CaptionPrompts& p, const ItemView& item,
                                     const std::vector<RetrievedRegion>& objects) {
  net::ChatRequest r;
  r.temperature = p.temperature;
  r.max_tokens = p.max_tokens;
  const std::string text = fill_template(p.raw,
                                         {{"objects", objects_text(objects)},
                                          {"width", std::to_string(item.width)},
                                          {"height", std::to_string(item.height)}},
                                         "caption.prompt_raw");
  r.messages = {{"system", p.system, ""}, {"user", text, item.image ? *item.image : std::string()}};
  return r;
}

net::ChatRequest refine_request(const CaptionPrompts& p, const std::string& raw,
                                const std::vector<RetrievedRegion>& objects) {
  net::ChatRequest r;
  r.temperature = p.temperature;
  r.max_tokens = p.max_tokens;
  const std::string text = fill_template(
      p.refine, {{"raw_caption", raw}, {"descriptions", descriptions_text(objects, p.max_description_chars)}},
      "caption.prompt_refine");
  r.messages = {{"system", p.system, ""}, {"user", text, ""}};
  return r;
}

}  // namespace cf::synth
