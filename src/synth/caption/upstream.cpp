#include "synth/caption/upstream.h"

#include <cstdlib>

namespace cf::synth {

bool RetrievedRegion::known() const {
  return !label.empty() && label != "unknown" && label != "unknown object";  // cf-retrieve writes the latter
}

std::vector<std::vector<size_t>> rows_by_item(const Table& table, size_t items) {
  std::vector<std::vector<size_t>> out(items);
  if (!table.has("item_row")) return out;
  const auto& ir = table.i64("item_row");
  for (size_t r = 0; r < ir.size(); ++r)
    if (ir[r] >= 0 && static_cast<size_t>(ir[r]) < items) out[ir[r]].push_back(r);
  return out;
}

std::map<std::string, size_t> index_by_item_id(const Table& items) {
  std::map<std::string, size_t> m;
  if (!items.has("item_id")) return m;
  const auto& ids = items.bytes("item_id");
  for (size_t i = 0; i < ids.size(); ++i) m.emplace(ids[i], i);
  return m;
}

std::string text_at(const Table& t, const std::string& col, size_t row) {
  auto it = t.columns().find(col);
  if (it == t.columns().end()) return "";
  const auto& c = it->second;
  switch (c.kind) {
    case Table::Kind::Bytes: return c.bytes[row];
    case Table::Kind::I64: return std::to_string(c.i64[row]);
    default: return std::to_string(c.f32[row]);
  }
}

double number_at(const Table& t, const std::string& col, size_t row) {
  auto it = t.columns().find(col);
  if (it == t.columns().end()) return 0;
  const auto& c = it->second;
  if (c.kind == Table::Kind::I64) return static_cast<double>(c.i64[row]);
  if (c.kind == Table::Kind::F32) return c.f32[row];
  return std::strtod(c.bytes[row].c_str(), nullptr);
}

std::vector<RetrievedRegion> retrieved_regions(const Shard& retrieve, size_t row,
                                               const std::vector<std::vector<size_t>>& by_item) {
  std::vector<RetrievedRegion> out;
  auto it = retrieve.tables.find("regions");
  if (it == retrieve.tables.end()) return out;
  const Table& t = it->second;
  for (size_t r : by_item[row]) {
    RetrievedRegion g;
    g.region_id = t.has("region_id") ? static_cast<int64_t>(number_at(t, "region_id", r)) : static_cast<int64_t>(r);
    g.label = text_at(t, "label", r);
    g.kb_name = text_at(t, "kb_name", r);
    g.description = text_at(t, "description", r);
    g.score = number_at(t, "score", r);
    g.object = !t.has("object") || number_at(t, "object", r) != 0;
    auto rc = t.columns().find("driving_relevance");
    if (rc != t.columns().end()) {
      const std::string s = text_at(t, "driving_relevance", r);
      char* end = nullptr;
      double v = std::strtod(s.c_str(), &end);
      if (rc->second.kind != Table::Kind::Bytes || (end && *end == '\0' && !s.empty())) g.relevance = v;
      else g.relevance_text = s;
    }
    out.push_back(std::move(g));
  }
  return out;
}

void attach_boxes(std::vector<RetrievedRegion>& regions, const Shard& segment, size_t seg_row,
                  const std::vector<std::vector<size_t>>& seg_by_item, int64_t width, int64_t height) {
  auto it = segment.tables.find("regions");
  if (it == segment.tables.end()) return;
  const Table& t = it->second;
  std::map<int64_t, size_t> by_id;
  for (size_t r : seg_by_item[seg_row]) by_id[static_cast<int64_t>(number_at(t, "region_id", r))] = r;
  for (auto& g : regions) {
    auto f = by_id.find(g.region_id);
    if (f == by_id.end()) continue;
    float b[4] = {
        static_cast<float>(number_at(t, "box_x", f->second)), static_cast<float>(number_at(t, "box_y", f->second)),
        static_cast<float>(number_at(t, "box_w", f->second)), static_cast<float>(number_at(t, "box_h", f->second))};
    const bool normalised = b[0] + b[2] <= 1.001f && b[1] + b[3] <= 1.001f && width > 2 && height > 2;
    for (int k = 0; k < 4; ++k) g.box[k] = normalised ? b[k] * static_cast<float>(k % 2 ? height : width) : b[k];
  }
}

}  // namespace cf::synth
