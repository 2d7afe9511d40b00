// Naming a region from its nearest database neighbours.
#pragma once
#include <string>
#include <vector>

#include "synth/retrieve/vector_db.h"

namespace cf::retrieve {

inline constexpr const char* kUnknownLabel = "unknown object";

struct Naming {
  std::string label;     // the winning label, or kUnknownLabel
  float score = 0;       // best similarity among the winner's neighbours
  std::string top_k;     // "name:score;name:score", distinct names by best similarity
  float background = 0;  // share of the neighbours' summed similarity that is background_label's
  float agreement = 0;   // the winner's share of the object neighbours' summed similarity
};

// vote "score": a label's weight is the sum of its neighbours' similarities; "majority": the
// count of its neighbours (ties: the sum); "softmax": the sum of exp((similarity - best
// similarity) / temperature), so close neighbours outweigh far ones (background share and
// agreement use the same weights). Neighbours labelled `background_label` (non-empty;
// cf-build-db's background exemplars) take no part in the vote: they give `background`, and a
// region whose neighbours are all background is kUnknownLabel. The winner's score is its best
// similarity; below min_score the region is kUnknownLabel (its score stays the measured one).
Naming name_region(const std::vector<Neighbor>& neighbors, const std::vector<DbEntry>& entries, const std::string& vote,
                   float min_score, const std::string& background_label = "", float temperature = 0.01f);

}  // namespace cf::retrieve
