// The stats report of cf-merge. Each shard writes a partial report (counts only, so partial
// reports add up: add_into); rank 0 sums them and derives the final stats.json / stats.md:
// samples per split and task, word-count estimates of sample length (question + answer) per
// task, regions and items per retrieved class, and failures per stage with aggregated reasons
// (from every upstream shard's failure table and merge's own).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "synth/merge/samples.h"

namespace cf::merge {

// Digit runs become "N" and quoted text becomes '…', so reasons that differ only by an item or
// a number aggregate: "truncated JPEG at byte 1234" -> "truncated JPEG at byte N".
std::string normalize_reason(const std::string& reason);
size_t word_count(const std::string& s);

// `upstream`: shard i of every upstream stage (failures are read from each).
nlohmann::json shard_stats(const MergedShard& m, const std::vector<const Shard*>& upstream, const Shard& retrieve);
void add_into(nlohmann::json& total, const nlohmann::json& part);  // sums numbers, recursively
nlohmann::json finalize_stats(const nlohmann::json& total);
std::string stats_markdown(const nlohmann::json& final_stats);

}  // namespace cf::merge
