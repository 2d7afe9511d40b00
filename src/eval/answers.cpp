#include "eval/answers.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "io/shard.h"
#include "io/stage_dir.h"

namespace cf::eval {
namespace fs = std::filesystem;

std::string canonical_task(const std::string& task) {
  std::string t;
  for (unsigned char c : task) t += static_cast<char>(std::tolower(c));
  if (t == "general_perception") return "general";
  if (t == "region_perception") return "region";
  if (t == "driving_suggestion") return "suggestion";
  if (t == "clip_annotation" || t == "cosmos") return "annotation";
  return t;
}

namespace {

std::string text_of(const nlohmann::json& j) {
  if (j.is_null()) return "";
  if (j.is_string()) return j.get<std::string>();
  return j.dump();  // an annotation given as a JSON object, a number, ...
}

void finish_row(AnswerRow& r, const std::string& model, const std::string& fallback_model) {
  if (!model.empty()) r.model = model;
  if (r.model.empty()) r.model = fallback_model;
  if (r.sample_id.empty()) {
    if (r.item_id.empty() && r.question.empty())
      throw DataError(r.origin + ": neither sample_id nor item_id/question to identify the sample");
    r.sample_id = r.item_id + " :: " + r.question;
  }
  r.task = canonical_task(r.task);
  if (r.task.empty()) throw DataError(r.origin + ": empty task");
}

std::string base_name(const std::string& source) {
  fs::path p(source);
  if (p.filename().empty()) p = p.parent_path();
  return p.stem().string();
}

std::vector<AnswerRow> read_jsonl(const std::string& path, const std::string& model) {
  std::ifstream in(path);
  if (!in) throw ConfigError("eval.answers: cannot read '" + path + "'");
  std::vector<AnswerRow> rows;
  std::string line;
  for (int64_t n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(n);
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const std::exception& e) {
      throw DataError(where + ": not JSON: " + e.what());
    }
    if (!j.is_object()) throw DataError(where + ": a line must be a JSON object");
    AnswerRow r;
    r.origin = where;
    auto get = [&](const char* k) { return j.contains(k) ? text_of(j[k]) : std::string(); };
    if (!j.contains("answer")) throw DataError(where + ": no 'answer'");
    if (!j.contains("reference")) throw DataError(where + ": no 'reference'");
    r.sample_id = get("sample_id");
    r.item_id = get("item_id");
    r.task = get("task");
    r.question = get("question");
    r.reference = get("reference");
    r.answer = get("answer");
    r.model = get("model");
    finish_row(r, model, base_name(path));
    rows.push_back(std::move(r));
  }
  return rows;
}

const std::vector<std::string>& column_or_empty(const Table& t, const std::string& name) {
  static const std::vector<std::string> none;
  return t.has(name) ? t.bytes(name) : none;
}

std::vector<AnswerRow> read_stage(const std::string& dir, const std::string& model) {
  const StagePlan plan = read_stage_plan(dir);
  if (plan.stage != "generate")
    throw ConfigError("eval.answers: '" + dir + "' holds stage '" + plan.stage + "', not 'generate'");
  std::vector<AnswerRow> rows;
  for (const auto& path : complete_shards(dir, plan)) {
    const Shard s = read_shard(path);
    // Answers are rows of `items`, or of tables/answers (with item_row into items).
    const bool nested = !s.items.has("answer") && s.tables.count("answers");
    const Table& t = nested ? s.tables.at("answers") : s.items;
    for (const char* c : {"task", "reference", "answer"})
      if (!t.has(c)) throw DataError(path + ": no column '" + std::string(c) + "'");
    const size_t n = t.rows();
    const auto& items_id = column_or_empty(s.items, "item_id");
    for (size_t i = 0; i < n; ++i) {
      AnswerRow r;
      r.origin = path + " row " + std::to_string(i);
      auto get = [&](const char* k) {
        const auto& col = column_or_empty(t, k);
        return col.empty() ? std::string() : col[i];
      };
      r.sample_id = get("sample_id");
      r.item_id = get("item_id");
      if (nested && r.item_id.empty() && t.has("item_row")) {
        const int64_t ir = t.i64("item_row")[i];
        if (ir >= 0 && static_cast<size_t>(ir) < items_id.size()) r.item_id = items_id[ir];
      }
      r.task = get("task");
      r.question = get("question");
      r.reference = get("reference");
      r.answer = get("answer");
      r.model = get("model");
      finish_row(r, model, base_name(dir));
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

}  // namespace

std::vector<AnswerRow> read_answers(const std::string& source, const std::string& model) {
  if (fs::is_directory(source)) return read_stage(source, model);
  if (!fs::exists(source)) throw ConfigError("eval.answers: '" + source + "' does not exist");
  return read_jsonl(source, model);
}

EvalSet join_answers(const std::vector<AnswerRow>& rows) {
  EvalSet set;
  std::map<std::string, size_t> model_index;
  std::map<std::string, std::map<std::string, const AnswerRow*>> by_sample;  // sample -> model -> row
  std::vector<std::string> sample_order;
  for (const auto& r : rows) {
    if (!model_index.count(r.model)) {
      model_index[r.model] = set.models.size();
      set.models.push_back(r.model);
    }
    auto& per_model = by_sample[r.sample_id];
    if (per_model.empty()) sample_order.push_back(r.sample_id);
    auto [it, fresh] = per_model.emplace(r.model, &r);
    if (!fresh)
      throw DataError("model '" + r.model + "' answers sample '" + r.sample_id + "' twice: " + it->second->origin +
                      " and " + r.origin);
  }
  for (const auto& m : set.models) set.excluded[m] = 0;
  std::sort(sample_order.begin(), sample_order.end());  // deterministic whatever the source order
  for (const auto& id : sample_order) {
    const auto& per_model = by_sample[id];
    if (per_model.size() != set.models.size()) {
      for (const auto& [m, r] : per_model) ++set.excluded[m];
      continue;
    }
    const AnswerRow& first = *per_model.at(set.models[0]);
    Sample s{id, first.item_id, first.task, first.question, first.reference, {}};
    bool mismatch = false;
    for (const auto& m : set.models) {
      const AnswerRow& r = *per_model.at(m);
      if (r.reference != first.reference || r.task != first.task) mismatch = true;
      s.answers.push_back(r.answer);
    }
    set.reference_mismatches += mismatch;
    set.samples.push_back(std::move(s));
  }
  return set;
}

}  // namespace cf::eval
