// The built-in self-instruct QA generator. Open questions cover CODA-LM's three tasks (general
// perception, region perception with a box, driving suggestion) and LLaVA's three kinds
// (conversation, detailed description, complex reasoning); each question is phrased by one of
// several templates picked by a hash of (seed, item, slot), so output is deterministic. Closed
// questions have exact answers from the distinct confident objects (RetrievedRegion::object):
// "Is there a X?" Yes for each such label; No for one absent_labels entry that no region of the
// image is named (even unconfidently); "How many Xs?" only with count_questions (the built-in
// segmenter misses small and occluded instances, so counts are often low, docs/stages/qa.md).
// Near-duplicate open questions of an item are dropped (ROUGE-L F above the threshold).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "synth/qa/qa_types.h"

namespace cf::synth {

struct QaOptions {
  uint64_t seed = 0;
  size_t max_region_questions = 3;
  size_t max_closed = 6;
  double dedupe_threshold = 0.7;
  std::vector<std::string> absent_labels;  // candidates for "is there a X?" -> "No"
  bool count_questions = false;            // also ask "how many Xs?" per detected label
};

uint64_t stable_hash(const std::string& s, uint64_t seed);  // FNV-1a, same on every platform

std::vector<QaPair> builtin_open_qa(const QaInput& in, const QaOptions& o);
std::vector<QaPair> closed_qa(const QaInput& in, const QaOptions& o);
// Drops open questions whose ROUGE-L F with an earlier kept question exceeds `threshold`;
// closed questions are kept (their parallel templates are intended). Adds drops to *dropped.
std::vector<QaPair> drop_near_duplicates(const std::vector<QaPair>& qa, double threshold, int64_t* dropped);

}  // namespace cf::synth
