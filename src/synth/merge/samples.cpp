#include "synth/merge/samples.h"

#include <algorithm>
#include <map>

#include "core/error.h"
#include "synth/common/upstream.h"

namespace cf::merge {
namespace {

std::string col_text(const Table& t, const std::string& c, size_t row) { return t.has(c) ? t.bytes(c)[row] : ""; }

bool wants_caption(const MergeOptions& o, const Table& items, size_t i) {
  return o.caption_samples && items.i64("n_qa")[i] > 0;
}
bool wants_annotation(const MergeOptions& o, const Table& items, size_t i) {
  return o.annotation_samples && !col_text(items, "annotation", i).empty() && !col_text(items, "clip_id", i).empty();
}

}  // namespace

std::string dataset_task(const std::string& qa_task, const std::string& qa_kind) {
  if (qa_task == "closed") return "closed";
  static const std::map<std::string, std::string> kinds = {
      {"general_perception", "general"}, {"region_perception", "region"},    {"driving_suggestion", "suggestion"},
      {"conversation", "conversation"},  {"detailed_description", "detail"}, {"complex_reasoning", "reasoning"}};
  auto it = kinds.find(qa_kind);
  return it != kinds.end() ? it->second : (qa_kind.empty() ? qa_task : qa_kind);
}

std::string annotation_question(size_t frames) {
  return "These are " + std::to_string(frames) +
         " frames of a dashcam clip in time order. Annotate the clip as a JSON object with the fields weather, "
         "lighting, road_conditions, traffic_light, traffic_sign, additional_traffic_rules, road_type, "
         "junction_type, lane_type, additional_map_rules, interactive_expanded_metaaction, safety_analysis, "
         "driving_difficulty, rule_violation and interesting_scenario.";
}

std::vector<UnitCount> count_units(const Shard& qa, const MergeOptions& o) {
  std::vector<UnitCount> out;
  const Table& it = qa.items;
  for (size_t i = 0; i < it.rows(); ++i) {
    const int64_t n = it.i64("n_qa")[i] + (wants_caption(o, it, i) ? 1 : 0) + (wants_annotation(o, it, i) ? 1 : 0);
    if (n == 0) continue;
    out.push_back({unit_hash(o.seed, unit_key(it.bytes("item_id")[i], col_text(it, "clip_id", i))), n});
  }
  return out;
}

MergedShard merge_shard(const MergeInputs& in, const MergeOptions& o) {
  MergedShard out;
  const Table& items = in.qa.items;
  const synth::ShardIndex qa_idx(in.qa, "qa");  // the upstream reader (synth/common/upstream)
  const auto cap_index = synth::index_by_item_id(in.caption.items);
  const auto img_index = synth::index_by_item_id(in.ingest.items);
  // Frames of each clip in the ingest shard, by frame_index.
  std::map<std::string, std::vector<std::pair<int64_t, std::string>>> clip_frames;
  const Table& ing = in.ingest.items;
  for (size_t r = 0; r < ing.rows(); ++r) {
    const std::string clip = col_text(ing, "clip_id", r);
    if (!clip.empty())
      clip_frames[clip].push_back({ing.has("frame_index") ? ing.i64("frame_index")[r] : 0, ing.bytes("item_id")[r]});
  }
  for (auto& [k, v] : clip_frames) std::sort(v.begin(), v.end());
  const std::string shard_name = "shard " + std::to_string(in.index);
  auto qa_text = [&](const char* c, size_t r) { return col_text(qa_idx.side(), c, r); };

  for (size_t i = 0; i < items.rows(); ++i) {
    const std::string id = items.bytes("item_id")[i], clip = col_text(items, "clip_id", i);
    const std::string source = col_text(items, "source", i);
    std::vector<Sample> made;
    if (!img_index.count(id)) {
      out.failures.push_back({id, source, "merge", "missing from io.images (ingest) " + shard_name, "error"});
      continue;
    }
    for (size_t k = 0; k < qa_idx.side_rows(i).size(); ++k) {
      const size_t r = qa_idx.side_rows(i)[k];
      char num[32];
      std::snprintf(num, sizeof num, "#q%02zu", k);
      const auto& closed = qa_idx.side().i64("closed");
      made.push_back({id + num,
                      id,
                      dataset_task(qa_text("task", r), qa_text("kind", r)),
                      qa_text("question", r),
                      qa_text("answer", r),
                      closed[r],
                      {id}});
    }
    if (wants_caption(o, items, i)) {
      auto c = cap_index.find(id);
      if (c == cap_index.end()) {
        out.failures.push_back({id, source, "merge", "missing from io.caption " + shard_name, "error"});
        continue;
      }
      const std::string fine = col_text(in.caption.items, "fine_caption", c->second);
      if (!fine.empty()) made.push_back({id + "#cap", id, "caption", o.caption_question, fine, 0, {id}});
    }
    if (wants_annotation(o, items, i)) {
      Sample s{clip + "#ann", clip, "annotation", "", col_text(items, "annotation", i), 0, {}};
      for (const auto& f : clip_frames[clip]) s.image_ids.push_back(f.second);
      s.question = annotation_question(s.image_ids.size());
      made.push_back(std::move(s));
    }
    const bool eval = is_eval(o.split, unit_hash(o.seed, unit_key(id, clip)));
    auto& dst = eval ? out.eval : out.train;
    for (auto& s : made) dst.push_back(std::move(s));
  }
  return out;
}

Shard dataset_shard(const std::vector<Sample>& samples, const Shard& ingest) {
  const auto img_index = synth::index_by_item_id(ingest.items);
  Shard out;
  out.stage = "merge";
  std::vector<std::string> sid, iid, task, q, a, img;
  std::vector<int64_t> closed, n_images, item_row, frame_index;
  for (size_t s = 0; s < samples.size(); ++s) {
    const Sample& x = samples[s];
    sid.push_back(x.sample_id);
    iid.push_back(x.item_id);
    task.push_back(x.task);
    q.push_back(x.question);
    a.push_back(x.answer);
    closed.push_back(x.closed);
    n_images.push_back(static_cast<int64_t>(x.image_ids.size()));
    for (size_t k = 0; k < x.image_ids.size(); ++k) {
      auto f = img_index.find(x.image_ids[k]);
      if (f == img_index.end())
        throw DataError("merge: image '" + x.image_ids[k] + "' of sample '" + x.sample_id +
                        "' is not in the ingest shard");
      item_row.push_back(static_cast<int64_t>(s));
      frame_index.push_back(static_cast<int64_t>(k));
      img.push_back(ingest.items.bytes("image")[f->second]);
    }
  }
  Table& t = out.items;
  t.put_bytes("sample_id", sid);
  t.put_bytes("item_id", iid);
  t.put_bytes("task", task);
  t.put_bytes("question", q);
  t.put_bytes("answer", a);
  t.put_i64("closed", closed);
  t.put_i64("n_images", n_images);
  Table& im = out.tables["images"];
  im.put_i64("item_row", item_row);
  im.put_i64("frame_index", frame_index);
  im.put_bytes("image", img, false);
  return out;
}

}  // namespace cf::merge
