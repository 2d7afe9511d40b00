#include "eval/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace cf::eval {
namespace {

nlohmann::json num(double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); }

nlohmann::ordered_json tally_json(const Tally& t, bool failed_as_min) {
  nlohmann::ordered_json j;
  j["mean"] = num(t.mean(failed_as_min));
  j["judged"] = t.judged;
  j["failed"] = t.failed;
  j["success_rate"] = num(t.success_rate());
  return j;
}

std::string fmt(const char* f, double v) {
  if (std::isnan(v)) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string cell(const Tally& t, bool failed_as_min, bool as_task) {
  std::string s = as_task ? fmt("%.1f", task_score(t, failed_as_min)) : fmt("%.2f", t.mean(failed_as_min));
  s += " (" + fmt("%.0f%%", 100 * t.success_rate()) + ", n=" + std::to_string(t.judged + t.failed);
  if (t.failed) s += ", " + std::to_string(t.failed) + " failed";
  return s + ")";
}

std::string header(const std::string& first, const std::vector<std::string>& models) {
  std::string h = "| " + first + " |", sep = "|---|";
  for (const auto& m : models) {
    h += " " + m + " |";
    sep += "---|";
  }
  return h + "\n" + sep + "\n";
}

}  // namespace

nlohmann::ordered_json report_json(const EvalSet& set, const EvalResult& res, const ReportContext& ctx) {
  const bool fam = ctx.options.failed_as_min;
  nlohmann::ordered_json j;
  j["judge"] = ctx.judge;
  j["models"] = res.models;
  j["samples"] = set.samples.size();
  std::map<std::string, int64_t> by_task;
  for (const auto& s : set.samples) ++by_task[s.task];
  j["samples_by_task"] = by_task;
  j["excluded_samples"] = set.excluded;
  j["reference_mismatches"] = set.reference_mismatches;
  j["judgments_ok"] = res.judgments_ok;
  j["judgments_failed"] = res.judgments_failed;
  j["failed_judgments_count_as"] = fam ? "score 1" : "excluded from means";
  j["success_score"] = ctx.options.success_score;
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();
  for (const auto& f : res.fields)
    for (size_t m = 0; m < res.models.size(); ++m) fields[f][res.models[m]] = tally_json(res.field.at(f)[m], fam);
  j["fields"] = fields;
  nlohmann::ordered_json tasks = nlohmann::ordered_json::object();
  for (const auto& t : res.tasks)
    for (size_t m = 0; m < res.models.size(); ++m) {
      auto tj = tally_json(res.task.at(t)[m], fam);
      tj["score_100"] = num(task_score(res.task.at(t)[m], fam));
      tasks[t][res.models[m]] = tj;
    }
  j["tasks"] = tasks;
  nlohmann::ordered_json unparseable = nlohmann::ordered_json::object();
  for (size_t m = 0; m < res.models.size(); ++m) unparseable[res.models[m]] = res.unparseable_answers[m];
  j["unparseable_annotations"] = unparseable;
  nlohmann::ordered_json pw;
  pw["compared"] = res.outcomes.size();
  pw["failed"] = res.pairs_failed;
  pw["elo"] = {{"method", "bradley-terry mle"},
               {"base", ctx.options.elo.base},
               {"scale", ctx.options.elo.scale},
               {"prior_games", ctx.options.elo.prior_games},
               {"bootstrap_rounds", ctx.options.elo.bootstrap_rounds},
               {"seed", ctx.options.elo.seed},
               {"ci", ctx.options.elo.ci}};
  nlohmann::ordered_json ratings = nlohmann::ordered_json::object(), h2h = nlohmann::ordered_json::object();
  for (size_t a = 0; a < res.models.size(); ++a) {
    const Record& tot = res.records[a][a];
    ratings[res.models[a]] = {{"rating", res.elo.rating[a]},
                              {"ci_low", res.elo.lo[a]},
                              {"ci_high", res.elo.hi[a]},
                              {"wins", tot.wins},
                              {"ties", tot.ties},
                              {"losses", tot.losses},
                              {"win_rate", num(tot.games() ? tot.win_rate() : NAN)}};
    for (size_t b = 0; b < res.models.size(); ++b) {
      if (a == b) continue;
      const Record& r = res.records[a][b];
      h2h[res.models[a]][res.models[b]] = {
          {"wins", r.wins}, {"ties", r.ties}, {"losses", r.losses}, {"win_rate", num(r.games() ? r.win_rate() : NAN)}};
    }
  }
  pw["ratings"] = ratings;
  pw["head_to_head"] = h2h;
  j["pairwise"] = pw;
  j["judge_stats"] = ctx.judge_stats;
  return j;
}

std::string report_markdown(const EvalSet& set, const EvalResult& res, const ReportContext& ctx) {
  const bool fam = ctx.options.failed_as_min;
  std::string md = "# cf-eval report\n\n";
  md += "Judge `" + ctx.judge + "`, " + std::to_string(res.models.size()) + " model(s), " +
        std::to_string(set.samples.size()) +
        " sample(s) answered by every model. Judgments: " + std::to_string(res.judgments_ok) + " ok, " +
        std::to_string(res.judgments_failed) + " failed (" +
        (fam ? "a failed judgment counts as score 1" : "failed judgments are left out of the means") + ").\n";
  for (const auto& [m, n] : set.excluded)
    if (n) md += "- `" + m + "`: " + std::to_string(n) + " answer(s) excluded (sample not answered by every model)\n";
  for (size_t m = 0; m < res.models.size(); ++m)
    if (res.unparseable_answers[m])
      md += "- `" + res.models[m] + "`: " + std::to_string(res.unparseable_answers[m]) +
            " annotation answer(s) not valid JSON (every field scored 1)\n";
  if (!res.fields.empty()) {
    md += "\n## Clip annotation fields: mean score 1–5 (success rate = share ≥ " +
          fmt("%g", ctx.options.success_score) + ", n = judgments)\n\n" + header("field", res.models);
    for (const auto& f : res.fields) {
      md += "| " + f + " |";
      for (size_t m = 0; m < res.models.size(); ++m) md += " " + cell(res.field.at(f)[m], fam, false) + " |";
      md += "\n";
    }
  }
  if (!res.tasks.empty()) {
    md += "\n## Task scores 0–100 (CODA-LM style: (mean − 1) / 4 × 100)\n\n" + header("task", res.models);
    for (const auto& t : res.tasks) {
      md += "| " + t + " |";
      for (size_t m = 0; m < res.models.size(); ++m) md += " " + cell(res.task.at(t)[m], fam, true) + " |";
      md += "\n";
    }
  }
  if (res.models.size() >= 2) {
    md += "\n## Pairwise (both orders per sample; " + std::to_string(res.outcomes.size()) + " compared, " +
          std::to_string(res.pairs_failed) + " failed)\n\n";
    md += "| model | Elo | " + fmt("%.0f", 100 * ctx.options.elo.ci) +
          "% CI | win rate | W / T / L |\n|---|---|---|---|---|\n";
    std::vector<size_t> order(res.models.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return res.elo.rating[a] > res.elo.rating[b]; });
    for (size_t a : order) {
      const Record& r = res.records[a][a];
      md += "| " + res.models[a] + " | " + fmt("%.0f", res.elo.rating[a]) + " | " + fmt("%.0f", res.elo.lo[a]) + " – " +
            fmt("%.0f", res.elo.hi[a]) + " | " + (r.games() ? fmt("%.1f%%", 100 * r.win_rate()) : "–") + " | " +
            std::to_string(r.wins) + " / " + std::to_string(r.ties) + " / " + std::to_string(r.losses) + " |\n";
    }
    md += "\nHead to head (row vs column: win rate, ties count half)\n\n" + header("", res.models);
    for (size_t a = 0; a < res.models.size(); ++a) {
      md += "| " + res.models[a] + " |";
      for (size_t b = 0; b < res.models.size(); ++b) {
        const Record& r = res.records[a][b];
        md += a == b || !r.games() ? " – |" : " " + fmt("%.1f%%", 100 * r.win_rate()) + " |";
      }
      md += "\n";
    }
  }
  return md;
}

}  // namespace cf::eval
