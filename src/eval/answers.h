// Model answers to evaluation samples, read from cf-generate stage directories (shards of stage
// "generate") or JSONL files, and joined across models by sample_id (docs/stages/eval.md).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cf::eval {

struct AnswerRow {
  std::string sample_id, item_id, task, question, reference, answer, model;
  std::string origin;  // "dir/shard-000003.h5 row 7" or "file.jsonl:12", for error messages
};

// One evaluation sample with every model's answer (answers[m] for models[m]).
struct Sample {
  std::string sample_id, item_id, task, question, reference;
  std::vector<std::string> answers;
};

struct EvalSet {
  std::vector<std::string> models;          // in order of first appearance
  std::vector<Sample> samples;              // answered by every model, by sample_id
  std::map<std::string, int64_t> excluded;  // per model: its samples some other model lacks
  int64_t reference_mismatches = 0;         // samples whose references differ between models
};

// Canonical task names: annotation, closed, general, region, suggestion, or the task as given
// (lower case). Accepts CODA-LM's long names (general_perception, region_perception,
// driving_suggestion) and "coda"/"yes_no"/"count" kinds are not tasks.
std::string canonical_task(const std::string& task);

// Rows of one source: a directory (plan.json of stage "generate", every shard complete) or a
// .jsonl file. `model` (non-empty) overrides the rows' model; rows without a model take the
// source's base name. Throws ConfigError/DataError naming the source and row.
std::vector<AnswerRow> read_answers(const std::string& source, const std::string& model);

// Joins rows of all sources. Throws DataError on a duplicate (model, sample_id).
EvalSet join_answers(const std::vector<AnswerRow>& rows);

}  // namespace cf::eval
