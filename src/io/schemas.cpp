#include "io/schemas.h"

#include "core/error.h"

namespace cf {
namespace {

constexpr Table::Kind B = Table::Kind::Bytes, I = Table::Kind::I64, F = Table::Kind::F32;

ColumnDecl opt(std::string name, Table::Kind kind) { return {std::move(name), kind, false}; }

// Tables shared by the stages that carry images per sample (merge, tokenize, generate).
TableDecl sample_images() { return {"images", {{"item_row", I}, {"frame_index", I}, {"image", B}}}; }

std::vector<StageSchema> declare() {
  return {
      {"ingest",  // cf-ingest: one row per image or video frame (docs/formats.md)
       {{"items",
         {{"item_id", B},
          {"source", B},
          {"clip_id", B},
          {"frame_index", I},
          {"source_frame", I},
          {"timestamp", F},
          {"manifest_index", I},
          {"width", I},
          {"height", I},
          {"orig_width", I},
          {"orig_height", I},
          {"image", B},
          {"content_hash", B},
          {"phash", I}}}}},
      {"segment",  // cf-segment (docs/stages/segment.md)
       {{"items", {{"item_id", B}, {"source", B}, {"clip_id", B}, {"width", I}, {"height", I}, {"n_regions", I}}},
        {"regions",
         {{"item_row", I},
          {"region_id", I},
          {"rle", B},
          {"box_x", I},
          {"box_y", I},
          {"box_w", I},
          {"box_h", I},
          {"area", I},
          {"predicted_iou", F},
          {"stability_score", F}}}}},
      {"retrieve",  // cf-retrieve (docs/stages/retrieve.md); clip_id when the segment shard has it
       {{"items",
         {{"item_id", B}, {"source", B}, opt("clip_id", B), {"n_regions", I}, {"n_known", I}, {"n_objects", I}}},
        {"regions",
         {{"item_row", I},
          {"region_id", I},
          {"label", B},
          {"score", F},
          {"object", I},
          {"top_k", B},
          {"kb_name", B},
          {"kb_match", B},
          {"description", B},
          {"driving_relevance", B}}}}},
      {"caption",  // cf-caption (docs/stages/caption.md)
       {{"items",
         {{"item_id", B},
          {"source", B},
          {"clip_id", B},
          {"frame_index", I},
          {"width", I},
          {"height", I},
          {"raw_caption", B},
          {"fine_caption", B},
          {"objects", B},
          {"attributes", B},
          {"backend", B},
          {"prompt_tokens", I},
          {"completion_tokens", I}}}}},
      {"qa",  // cf-qa (docs/stages/qa.md)
       {{"items",
         {{"item_id", B},
          {"source", B},
          {"clip_id", B},
          {"n_qa", I},
          {"annotation", B},
          {"prompt_tokens", I},
          {"completion_tokens", I}}},
        {"qa",
         {{"item_row", I},
          {"task", B},
          {"kind", B},
          {"question", B},
          {"answer", B},
          {"box_x", F},
          {"box_y", F},
          {"box_w", F},
          {"box_h", F},
          {"closed", I},
          {"source_backend", B}}}}},
      {"merge",  // cf-merge train/ and eval/ shards (docs/stages/merge.md)
       {{"items",
         {{"sample_id", B},
          {"item_id", B},
          {"task", B},
          {"question", B},
          {"answer", B},
          {"closed", I},
          {"n_images", I}}},
        sample_images()}},
      {"tokenize",  // cf-tokenizer (docs/stages/tokenizer.md); question: shards written before it lack it
       {{"items",
         {{"sample_id", B},
          {"item_id", B},
          {"task", B},
          opt("question", B),
          {"answer", B},
          {"closed", I},
          {"n_images", I},
          {"input_ids", B},
          {"loss_mask", B},
          {"n_tokens", I},
          {"prompt_tokens", I}}},
        sample_images()}},
      {"generate",  // cf-generate pairs and answers (docs/stages/generate.md)
       {{"items",
         {{"sample_id", B},
          {"item_id", B},
          {"task", B},
          {"closed", I},
          {"prompt_ids", B},
          {"chosen_ids", B},
          {"rejected_ids", B},
          {"ref_logp_chosen", F},
          {"ref_logp_rejected", F},
          {"question", B},
          {"reference", B},
          {"answer", B},
          {"generated", B},
          {"model", B},
          {"carried", I},
          {"round", I},
          {"regenerated", I}}},
        sample_images()}},
  };
}

const char* kind_name(Table::Kind k) {
  return k == Table::Kind::I64 ? "int64" : k == Table::Kind::F32 ? "float32" : "bytes/text";
}

const ColumnDecl* find_column(const TableDecl& t, const std::string& name) {
  for (const auto& c : t.columns)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace

const TableDecl* StageSchema::find(const std::string& table) const {
  for (const auto& t : tables)
    if (t.table == table) return &t;
  return nullptr;
}

const std::vector<StageSchema>& stage_schemas() {
  static const std::vector<StageSchema> all = declare();
  return all;
}

const StageSchema* stage_schema(const std::string& stage) {
  for (const auto& s : stage_schemas())
    if (s.stage == stage) return &s;
  return nullptr;
}

void check_stage_shard(const Shard& shard, const std::string& where) {
  const StageSchema* s = stage_schema(shard.stage);
  if (!s) throw DataError(where + ": stage '" + shard.stage + "' has no declared shard columns (src/io/schemas.cpp)");
  auto check = [&](const std::string& name, const Table& t) {
    const TableDecl* d = s->find(name);
    if (!d) throw DataError(where + ": " + shard.stage + " shard has an undeclared table '" + name + "'");
    for (const auto& [col, c] : t.columns()) {
      const ColumnDecl* cd = find_column(*d, col);
      if (!cd)
        throw DataError(where + ": " + shard.stage + " shard has an undeclared column '" + col + "' in " + name +
                        " (declare it in src/io/schemas.cpp)");
      if (cd->kind != c.kind)
        throw DataError(where + ": " + shard.stage + " column " + name + "." + col + " must be " + kind_name(cd->kind));
    }
    for (const auto& cd : d->columns)
      if (cd.required && !t.has(cd.name))
        throw DataError(where + ": " + shard.stage + " shard lacks the column " + name + "." + cd.name);
  };
  check("items", shard.items);
  for (const auto& [name, t] : shard.tables) check(name, t);
}

void require_columns(const Shard& shard, const std::string& stage, const std::string& table,
                     const std::vector<std::string>& columns, const std::string& where) {
  const StageSchema* s = stage_schema(stage);
  const TableDecl* d = s ? s->find(table) : nullptr;
  if (!d) throw std::logic_error("require_columns: no declared table " + stage + "." + table);
  static const Table kNone;
  const Table* t = &kNone;
  if (table == "items") t = &shard.items;
  else if (auto it = shard.tables.find(table); it != shard.tables.end()) t = &it->second;
  for (const auto& col : columns) {
    const ColumnDecl* cd = find_column(*d, col);
    if (!cd) throw std::logic_error("require_columns: " + stage + "." + table + " declares no column '" + col + "'");
    auto it = t->columns().find(col);
    if (it == t->columns().end())
      throw DataError(where + ": " + table + " has no column '" + col + "' (not a " + stage + " output?)");
    if (cd->kind != it->second.kind)
      throw DataError(where + ": column " + table + "." + col + " is not " + kind_name(cd->kind) + " (not a " + stage +
                      " output?)");
  }
}

}  // namespace cf
