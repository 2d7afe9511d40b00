#include "model/hf_names.h"

#include <cstddef>

namespace cf {
namespace {

bool starts(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
bool ends(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

// "layers.I.REST" -> "layers.I." + group + REST, where group depends on REST's first component.
std::string layer_key(const std::string& rest, const std::string& attn, const std::string& mlp_group,
                      const std::vector<std::string>& attn_parts, const std::vector<std::string>& mlp_parts) {
  const size_t dot = rest.find('.', rest.find('.') + 1);  // end of "layers.I"
  const std::string head = rest.substr(0, dot + 1), tail = rest.substr(dot + 1);
  const std::string part = tail.substr(0, tail.find('.'));
  for (const auto& a : attn_parts)
    if (part == a) return head + attn + tail;
  for (const auto& m : mlp_parts)
    if (part == m) return head + mlp_group + tail;
  return head + tail;  // layer norms
}

}  // namespace

std::string hf_name(const std::string& n, bool llava) {
  const std::string lm = llava ? "language_model." : "";
  if (starts(n, "vision_tower.")) {
    const std::string rest = n.substr(13);
    const std::string base = "vision_tower.vision_model.";
    if (starts(rest, "layers."))
      return base + "encoder." +
             layer_key(rest, "self_attn.", "mlp.", {"q_proj", "k_proj", "v_proj", "out_proj"}, {"fc1", "fc2"});
    if (starts(rest, "pre_layrnorm.") || starts(rest, "post_layernorm.")) return base + rest;
    return base + "embeddings." + rest;  // patch_embedding, class_embedding, position_embedding
  }
  if (starts(n, "multi_modal_projector.0.")) return "multi_modal_projector.linear_1." + n.substr(24);
  if (starts(n, "multi_modal_projector.2.")) return "multi_modal_projector.linear_2." + n.substr(24);
  if (starts(n, "language_model.")) {
    const std::string rest = n.substr(15);
    if (starts(rest, "lm_head.")) return lm + rest;
    if (starts(rest, "layers."))
      return lm + "model." +
             layer_key(rest, "self_attn.", "mlp.", {"q_proj", "k_proj", "v_proj", "o_proj"},
                       {"gate_proj", "up_proj", "down_proj"});
    return lm + "model." + rest;  // embed_tokens, norm
  }
  return n;
}

std::vector<std::string> hf_name_aliases(const std::string& ours, bool llava) {
  if (!llava) return {};
  const std::string h = hf_name(ours, true);
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{{"vision_tower.", "model.vision_tower."},
                                                        {"multi_modal_projector.", "model.multi_modal_projector."},
                                                        {"language_model.model.", "model.language_model."},
                                                        {"language_model.lm_head.", "lm_head."}})
    if (starts(h, from)) return {to + h.substr(from.size())};
  return {};
}

bool hf_ignored(const std::string& hf, bool tied) {
  if (ends(hf, "rotary_emb.inv_freq") || ends(hf, "embeddings.position_ids")) return true;
  return tied && (hf == "lm_head.weight" || hf == "language_model.lm_head.weight");
}

}  // namespace cf
