#include "synth/qa/qa_inputs.h"

#include <map>

#include <nlohmann/json.hpp>

namespace cf::synth {

std::vector<QaItem> qa_items(const Shard& cap, const Shard& ret, int64_t shard_index) {
  const size_t n = cap.items.rows();
  const ShardIndex ret_idx(ret, "regions");
  std::vector<QaItem> out(n);
  std::map<std::string, size_t> first_of_clip;
  for (size_t i = 0; i < n; ++i) {
    QaItem& q = out[i];
    QaInput& in = q.in;
    in.item_id = text_at(cap.items, "item_id", i);
    q.source = text_at(cap.items, "source", i);
    in.clip_id = text_at(cap.items, "clip_id", i);
    in.raw_caption = text_at(cap.items, "raw_caption", i);
    in.fine_caption = text_at(cap.items, "fine_caption", i);
    in.width = static_cast<int64_t>(number_at(cap.items, "width", i));
    in.height = static_cast<int64_t>(number_at(cap.items, "height", i));
    in.attributes =
        ImageAttributes::from_json(nlohmann::json::parse(text_at(cap.items, "attributes", i), nullptr, false));
    const auto r = ret_idx.row(in.item_id);
    if (!r) {
      q.reason = "item not in io.retrieve shard " + std::to_string(shard_index);
      continue;
    }
    in.regions = retrieved_regions(ret_idx, *r);
    auto objs = nlohmann::json::parse(text_at(cap.items, "objects", i), nullptr, false);
    if (!objs.is_array()) {
      q.reason = "objects column is not a JSON array";
      continue;
    }
    for (const auto& o : objs) {
      RetrievedRegion g;
      g.label = o.value("label", std::string());
      g.kb_name = o.value("kb_name", std::string());
      if (o.contains("box") && o["box"].is_array() && o["box"].size() == 4)
        for (int k = 0; k < 4; ++k) g.box[k] = o["box"][k].get<float>();
      for (const auto& reg : in.regions)  // description and relevance of the same knowledge entry
        if (reg.label == g.label && reg.kb_name == g.kb_name) {
          g.description = reg.description;
          g.relevance = reg.relevance;
          g.relevance_text = reg.relevance_text;
          break;
        }
      in.objects.push_back(std::move(g));
    }
    if (!in.clip_id.empty()) {
      const int64_t f = static_cast<int64_t>(number_at(cap.items, "frame_index", i));
      auto it = first_of_clip.find(in.clip_id);
      if (it == first_of_clip.end() || f < static_cast<int64_t>(number_at(cap.items, "frame_index", it->second)))
        first_of_clip[in.clip_id] = i;
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (!out[i].in.clip_id.empty()) {
      auto it = first_of_clip.find(out[i].in.clip_id);
      out[i].clip_first = it != first_of_clip.end() && it->second == i;
      out[i].generate = out[i].clip_first;
    }
  return out;
}

}  // namespace cf::synth
