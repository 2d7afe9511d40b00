// The evaluation report: report.json (every number), report.md (tables (a) fields, (c) tasks,
// (b) Elo and head-to-head), and the plain-text summary cf-eval prints at the end.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "eval/answers.h"
#include "eval/evaluate.h"

namespace cf::eval {

struct ReportContext {
  std::string judge;
  nlohmann::json judge_stats = nlohmann::json::object();
  EvalOptions options;
};

nlohmann::ordered_json report_json(const EvalSet& set, const EvalResult& res, const ReportContext& ctx);
std::string report_markdown(const EvalSet& set, const EvalResult& res, const ReportContext& ctx);

}  // namespace cf::eval
