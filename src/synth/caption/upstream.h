// Reading the upstream shards of cf-caption and cf-qa by item_id: retrieve output (names,
// descriptions), segment output (boxes) and ingest output (pixels, clip membership). Columns
// whose type an upstream stage may choose (score, driving_relevance) are read as numbers or text.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "io/shard.h"

namespace cf::synth {

struct RetrievedRegion {
  int64_t region_id = -1;
  std::string label, kb_name, description;
  double score = 0;
  double relevance = 0;             // driving_relevance as a number (0 when it is text)
  std::string relevance_text;       // driving_relevance as text when it is not a number
  float box[4] = {-1, -1, -1, -1};  // x, y, w, h in pixels of the stored image; -1 unknown
  bool object = true;               // cf-retrieve's `object` column: false for a region that is not
                                    // a distinct, confidently named object (a part, a weak name)
  bool known() const;               // a recognised object (label not empty and not "unknown")
};

// One input item with everything joined to it.
struct ItemView {
  std::string item_id, source, clip_id;
  int64_t frame_index = -1, width = 0, height = 0;
  const std::string* image = nullptr;  // JPEG bytes of the ingest row (may be null)
  std::vector<RetrievedRegion> regions;
};

// Index of a table column by item_row: rows of `table` per item row.
std::vector<std::vector<size_t>> rows_by_item(const Table& table, size_t items);
// Row of each item_id in `items`.
std::map<std::string, size_t> index_by_item_id(const Table& items);

// Text/number of a column row whatever its stored kind; "" / 0 when the column is absent.
std::string text_at(const Table& t, const std::string& col, size_t row);
double number_at(const Table& t, const std::string& col, size_t row);

// Regions of retrieve row `row` (table "regions" of `retrieve`), boxes filled from `segment`
// when given (joined by item_id and region_id; normalised boxes are scaled to width x height).
std::vector<RetrievedRegion> retrieved_regions(const Shard& retrieve, size_t row,
                                               const std::vector<std::vector<size_t>>& by_item);
void attach_boxes(std::vector<RetrievedRegion>& regions, const Shard& segment, size_t seg_row,
                  const std::vector<std::vector<size_t>>& seg_by_item, int64_t width, int64_t height);

}  // namespace cf::synth
