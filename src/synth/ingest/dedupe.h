// Corpus-wide duplicate removal, decided identically on every rank from the hashes of all
// units in manifest order. A unit is a still image or one video clip (all its frames): clips are
// kept or dropped whole, so clip membership stays intact.
//  - exact: same content hash(es) as an earlier unit;
//  - near:  same kind and frame count, and every frame's perceptual hash within
//           `near_max_distance` bits of a kept unit's (candidates found by pigeonhole banding,
//           so the search is exact, not approximate).
// The earliest unit in manifest order is the one kept.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cf::ingest {

struct DedupeUnit {
  std::string id;  // image item id or clip id
  bool is_clip = false;
  std::vector<std::string> hashes;  // content hash per frame
  std::vector<uint64_t> phashes;    // perceptual hash per frame
};

struct DedupeOptions {
  bool exact = true;
  bool near = true;
  int near_max_distance = 5;
};

struct DedupeDecision {
  bool keep = true;
  std::string duplicate_of;  // id of the kept unit, when dropped
  std::string reason;        // "exact duplicate of X" / "near duplicate of X (distance d)"
};

std::vector<DedupeDecision> dedupe(const std::vector<DedupeUnit>& units, const DedupeOptions& o);

}  // namespace cf::ingest
