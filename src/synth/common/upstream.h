// The upstream reader of every synthesis stage after cf-segment: one shard of an upstream stage
// indexed by item_id (ShardIndex), and the ingest + segment + retrieve rows of an item joined
// into one view (regions with names, descriptions and boxes). cf-caption, cf-qa, cf-merge and
// cf-eval-synthesis join through it. Columns whose type an upstream stage may choose (score,
// driving_relevance) are read as numbers or text.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
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
// Row of each item_id in `items` (the first row of an id wins).
std::map<std::string, size_t> index_by_item_id(const Table& items);

// One upstream shard indexed for the join: its item rows by item_id, and the rows of a side
// table ("regions", "qa"; empty when absent) per item row. Holds a reference to the shard.
class ShardIndex {
 public:
  explicit ShardIndex(const Shard& shard, const std::string& side_table = "");
  const Shard& shard() const { return *shard_; }
  const Table& items() const { return shard_->items; }
  const Table& side() const { return *side_; }
  std::optional<size_t> row(const std::string& item_id) const;  // the item row of an id
  const std::vector<size_t>& side_rows(size_t item_row) const { return side_rows_.at(item_row); }

 private:
  const Shard* shard_;
  const Table* side_;
  std::map<std::string, size_t> rows_;
  std::vector<std::vector<size_t>> side_rows_;
};

// Text/number of a column row whatever its stored kind; "" / 0 when the column is absent.
std::string text_at(const Table& t, const std::string& col, size_t row);
double number_at(const Table& t, const std::string& col, size_t row);

// Regions of retrieve row `row` (a ShardIndex of a cf-retrieve shard with side table "regions"),
// boxes filled from a cf-segment shard's index (joined by region_id; normalised boxes are scaled
// to width x height).
std::vector<RetrievedRegion> retrieved_regions(const ShardIndex& retrieve, size_t row);
void attach_boxes(std::vector<RetrievedRegion>& regions, const ShardIndex& segment, size_t seg_row, int64_t width,
                  int64_t height);

// The ingest + segment + retrieve rows of the retrieve shard's items (shards of the same index),
// joined by item_id. `reasons[i]` names what is missing for rows that cannot be joined (" shard
// N" appended); those views hold only item_id and source.
std::vector<ItemView> join_upstream(const Shard& retrieve, const Shard& segment, const Shard& ingest,
                                    int64_t shard_index, std::vector<std::string>& reasons);

}  // namespace cf::synth
