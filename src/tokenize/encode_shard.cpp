#include "tokenize/encode_shard.h"

#include <chrono>
#include <thread>

#include "core/error.h"
#include "io/schemas.h"
#include "job/shard_map.h"
#include "tokenize/token_bytes.h"

namespace cf::tokenize {
Shard encode_shard(const Shard& input, const Encoder& encode, const SpecialIds& special, const EncodeOptions& o,
                   const std::function<void(int64_t)>& done) {
  const Table& in = input.items;
  // The merged dataset's declared columns (io/schemas: cf-merge output).
  require_columns(input, "merge", "items", {"sample_id", "item_id", "task", "question", "answer", "closed", "n_images"},
                  o.source);
  static const Table kNoImages = [] {
    Table t;
    t.put_i64("item_row", {});
    t.put_i64("frame_index", {});
    t.put_bytes("image", {}, false);
    return t;
  }();
  auto it = input.tables.find("images");
  const Table& images = it == input.tables.end() ? kNoImages : it->second;
  if (it != input.tables.end())
    require_columns(input, "merge", "images", {"item_row", "frame_index", "image"}, o.source);

  const size_t n = in.rows();
  std::vector<int64_t> image_rows(n, 0);
  for (int64_t r : images.i64("item_row")) {
    if (r < 0 || static_cast<size_t>(r) >= n)
      throw DataError(o.source + ": images.item_row " + std::to_string(r) + " is outside items");
    ++image_rows[static_cast<size_t>(r)];
  }

  std::vector<ChatSample> samples(n);
  const auto reasons = cf::for_each_item(n, o.threads, [&](size_t i) {
    if (o.item_delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o.item_delay_ms));
    const int64_t n_images = in.i64("n_images")[i];
    if (n_images != image_rows[i])
      throw DataError("n_images is " + std::to_string(n_images) + " but the images table has " +
                      std::to_string(image_rows[i]) + " rows for it");
    samples[i] =
        build_chat_sample(encode, special, o.image_tokens, n_images, in.bytes("question")[i], in.bytes("answer")[i]);
    const int64_t len = static_cast<int64_t>(samples[i].ids.size());
    if (len > o.max_length) {
      samples[i] = {};
      throw DataError("sample has " + std::to_string(len) +
                      " tokens, more than tokenizer.max_length = " + std::to_string(o.max_length) + " (not truncated)");
    }
    if (done) done(1);
  });

  Shard out;
  out.stage = o.stage;
  std::vector<size_t> keep;
  std::vector<int64_t> new_row(n, -1);
  for (size_t i = 0; i < n; ++i) {
    if (reasons[i].empty()) {
      new_row[i] = static_cast<int64_t>(keep.size());
      keep.push_back(i);
    } else {
      out.failures.push_back({in.bytes("sample_id")[i], o.source, o.stage, reasons[i], "error"});
      if (done) done(1);
    }
  }
  std::vector<std::string> ids, masks;
  std::vector<int64_t> n_tokens, prompt_tokens;
  for (size_t i : keep) {
    ids.push_back(ids_to_bytes(samples[i].ids));
    masks.push_back(mask_to_bytes(samples[i].loss_mask));
    n_tokens.push_back(static_cast<int64_t>(samples[i].ids.size()));
    prompt_tokens.push_back(samples[i].prompt_tokens);
  }
  Table kept = in.select(keep);
  Table& t = out.items;
  for (const char* c : {"sample_id", "item_id", "task", "question", "answer"}) t.put_bytes(c, kept.bytes(c));
  for (const char* c : {"closed", "n_images"}) t.put_i64(c, kept.i64(c));
  t.put_bytes("input_ids", std::move(ids));
  t.put_bytes("loss_mask", std::move(masks));
  t.put_i64("n_tokens", std::move(n_tokens));
  t.put_i64("prompt_tokens", std::move(prompt_tokens));

  // Images of kept samples, grouped by their new row (stable within a sample).
  std::vector<std::vector<size_t>> by_row(keep.size());
  const auto& rows = images.i64("item_row");
  for (size_t k = 0; k < rows.size(); ++k)
    if (new_row[static_cast<size_t>(rows[k])] >= 0)
      by_row[static_cast<size_t>(new_row[static_cast<size_t>(rows[k])])].push_back(k);
  std::vector<size_t> image_order;
  std::vector<int64_t> image_item_row;
  for (size_t r = 0; r < by_row.size(); ++r)
    for (size_t k : by_row[r]) {
      image_order.push_back(k);
      image_item_row.push_back(static_cast<int64_t>(r));
    }
  Table img = images.select(image_order);
  Table& ot = out.tables["images"];
  ot.put_i64("item_row", std::move(image_item_row));
  ot.put_i64("frame_index", img.i64("frame_index"));
  ot.put_bytes("image", img.bytes("image"), false);
  return out;
}

}  // namespace cf::tokenize
