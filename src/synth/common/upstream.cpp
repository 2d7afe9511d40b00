#include "synth/common/upstream.h"

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

ShardIndex::ShardIndex(const Shard& shard, const std::string& side_table)
    : shard_(&shard), rows_(index_by_item_id(shard.items)) {
  static const Table kEmpty;
  auto it = side_table.empty() ? shard.tables.end() : shard.tables.find(side_table);
  side_ = it == shard.tables.end() ? &kEmpty : &it->second;
  side_rows_ = rows_by_item(*side_, shard.items.rows());
}

std::optional<size_t> ShardIndex::row(const std::string& item_id) const {
  auto it = rows_.find(item_id);
  if (it == rows_.end()) return std::nullopt;
  return it->second;
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

std::vector<RetrievedRegion> retrieved_regions(const ShardIndex& retrieve, size_t row) {
  std::vector<RetrievedRegion> out;
  const Table& t = retrieve.side();
  for (size_t r : retrieve.side_rows(row)) {
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

void attach_boxes(std::vector<RetrievedRegion>& regions, const ShardIndex& segment, size_t seg_row, int64_t width,
                  int64_t height) {
  const Table& t = segment.side();
  std::map<int64_t, size_t> by_id;
  for (size_t r : segment.side_rows(seg_row)) by_id[static_cast<int64_t>(number_at(t, "region_id", r))] = r;
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

std::vector<ItemView> join_upstream(const Shard& retrieve, const Shard& segment, const Shard& ingest,
                                    int64_t shard_index, std::vector<std::string>& reasons) {
  const ShardIndex ret(retrieve, "regions"), seg(segment, "regions"), img(ingest);
  const Table& items = retrieve.items;
  const size_t n = items.rows();
  const std::string shard = " shard " + std::to_string(shard_index);
  std::vector<ItemView> out(n);
  reasons.assign(n, "");
  for (size_t i = 0; i < n; ++i) {
    ItemView& v = out[i];
    v.item_id = text_at(items, "item_id", i);
    v.source = text_at(items, "source", i);
    const auto s = seg.row(v.item_id), g = img.row(v.item_id);
    if (!g) {
      reasons[i] = "item not in io.images" + shard;
      continue;
    }
    if (!s) {
      reasons[i] = "item not in io.regions" + shard;
      continue;
    }
    const Table& it = ingest.items;
    v.clip_id = text_at(it, "clip_id", *g);
    v.frame_index = it.has("frame_index") ? it.i64("frame_index")[*g] : -1;
    v.width = static_cast<int64_t>(number_at(it, "width", *g));
    v.height = static_cast<int64_t>(number_at(it, "height", *g));
    if (it.has("image")) v.image = &it.bytes("image")[*g];
    v.regions = retrieved_regions(ret, i);
    attach_boxes(v.regions, seg, *s, v.width, v.height);
  }
  return out;
}

}  // namespace cf::synth
