#include "eval/eval_stage.h"

#include <filesystem>
#include <fstream>
#include <iostream>

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "eval/answers.h"
#include "eval/evaluate.h"
#include "eval/judge.h"
#include "eval/plots.h"
#include "eval/report.h"
#include "net/net_config.h"

namespace cf::eval {
namespace fs = std::filesystem;

void declare_eval_config(ConfigSchema& c) {
  c.add_strings("eval.answers", {},
                "Answer sources, one per model or several models each: cf-generate output directories (stage "
                "'generate') or .jsonl files (docs/stages/eval.md)");
  c.add_strings("eval.models", {},
                "Model names for eval.answers, same length (empty: the rows' model column, else the source's name)");
  c.add_string("eval.judge", "builtin", "Judge: builtin (offline) or openai (an OpenAI-compatible server, net.*)",
               {"builtin", "openai"});
  c.add_float("eval.success_score", 4, "A judgment at or above this score counts as a success", 1, 5);
  c.add_string("eval.failed_as", "min",
               "Failed judgments in means: min (count as score 1) or exclude (left out of means; always reported)",
               {"min", "exclude"});
  c.add_bool("eval.pairwise", true, "Judge every pair of models on every sample, in both orders (win rates, Elo)");
  c.add_float("eval.tie_margin", 0.05, "builtin judge: similarity difference (0-1) below which a pair is a tie", 0, 1);
  c.add_float("eval.elo_base", 1000, "Mean Elo rating");
  c.add_float("eval.elo_scale", 400, "Elo scale: a difference of this many points means 10:1 odds", 1, 10000);
  c.add_float("eval.elo_prior_games", 1, "Virtual tied games per pair of models (keeps ratings finite)", 0.001, 1000);
  c.add_int("eval.bootstrap", 1000, "Bootstrap rounds for the Elo confidence intervals (0: none)", 0, 1000000);
  c.add_float("eval.ci", 0.95, "Confidence level of the Elo intervals", 0.5, 0.999);
  c.add_int("eval.seed", 1234, "Seed of the bootstrap resampling", 0);
  c.add_int("eval.parse_retries", 2, "openai judge: times to ask again when a reply has no usable score/verdict", 0,
            20);
  c.add_float("eval.temperature", 0.0, "openai judge: sampling temperature", 0, 2);
  c.add_int("eval.max_tokens", 400, "openai judge: reply length limit", 16, 32768);
  c.add_string("eval.prompt_system", "",
               "openai judge: system prompt file (empty: the shipped configs/prompts/judge_system.txt)");
  c.add_string("eval.prompt_score", "", "openai judge: 1-5 scoring prompt file (empty: shipped judge_score.txt)");
  c.add_string("eval.prompt_pairwise", "", "openai judge: pairwise prompt file (empty: shipped judge_pairwise.txt)");
  c.add_strings("eval.train_logs", {},
                "cf-train output directories (or metrics JSONL files) whose loss curves to plot");
  c.add_bool("eval.plots", true, "Draw PNG plots with gnuplot");
  c.add_string("eval.gnuplot", "gnuplot", "gnuplot executable");
  net::declare_net_config(c);
}

namespace {

void write_atomic(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) throw DataError("cannot write '" + tmp.string() + "'");
  }
  fs::rename(tmp, path);
}

EvalOptions eval_options(const Config& cfg) {
  EvalOptions o;
  o.success_score = cfg.get_float("eval.success_score");
  o.failed_as_min = cfg.get_string("eval.failed_as") == "min";
  o.pairwise = cfg.get_bool("eval.pairwise");
  o.elo.base = cfg.get_float("eval.elo_base");
  o.elo.scale = cfg.get_float("eval.elo_scale");
  o.elo.prior_games = cfg.get_float("eval.elo_prior_games");
  o.elo.bootstrap_rounds = cfg.get_int("eval.bootstrap");
  o.elo.ci = cfg.get_float("eval.ci");
  o.elo.seed = static_cast<uint64_t>(cfg.get_int("eval.seed"));
  return o;
}

EvalSet load_set(const Config& cfg) {
  const auto& sources = cfg.get_strings("eval.answers");
  const auto& models = cfg.get_strings("eval.models");
  if (sources.empty()) throw ConfigError("eval.answers is empty: name one or more answer directories or .jsonl files");
  if (!models.empty() && models.size() != sources.size())
    throw ConfigError("eval.models has " + std::to_string(models.size()) + " names for " +
                      std::to_string(sources.size()) + " eval.answers sources");
  const fs::path out = fs::weakly_canonical(cfg.get_string("io.output"));
  std::vector<AnswerRow> rows;
  for (size_t i = 0; i < sources.size(); ++i) {
    if (fs::weakly_canonical(sources[i]) == out)
      throw ConfigError("io.output '" + cfg.get_string("io.output") + "' is the answer source eval.answers[" +
                        std::to_string(i) + "]");
    auto r = read_answers(sources[i], models.empty() ? "" : models[i]);
    if (r.empty()) throw DataError("eval.answers: '" + sources[i] + "' holds no answers");
    rows.insert(rows.end(), std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
  }
  return join_answers(rows);
}

}  // namespace

StageCounts run_eval(JobContext& ctx) {
  StageCounts counts;
  const Config& cfg = ctx.config;
  // Every rank validates the inputs (same verdict everywhere); rank 0 judges and writes.
  const EvalSet set = load_set(cfg);
  auto judge = make_judge(cfg);
  if (!ctx.mpi.is_root()) return counts;
  if (set.samples.empty()) throw DataError("eval.answers: no sample is answered by every model (check sample_id)");
  spdlog::info("eval: {} models, {} samples, judge {}", set.models.size(), set.samples.size(), judge->name());
  const EvalOptions opt = eval_options(cfg);
  const EvalResult res = evaluate(set, *judge, opt);

  const fs::path out = cfg.get_string("io.output");
  ReportContext rc{judge->name(), judge->stats(), opt};
  auto json = report_json(set, res, rc);
  std::vector<LossCurve> curves;
  for (const auto& p : cfg.get_strings("eval.train_logs")) curves.push_back(read_loss_curve(p));
  PlotResult plots;
  if (cfg.get_bool("eval.plots"))
    plots = write_plots(out.string(), res, opt.failed_as_min, curves, cfg.get_string("eval.gnuplot"));
  for (const auto& e : plots.errors) spdlog::warn("eval: plot {}", e);
  json["plots"] = plots.written;
  json["plot_errors"] = plots.errors;
  std::string lines;
  for (const auto& j : res.judgments) lines += j.dump() + "\n";
  write_atomic(out / "judgments.jsonl", lines);
  write_atomic(out / "report.json", json.dump(2) + "\n");
  const std::string md = report_markdown(set, res, rc);
  write_atomic(out / "report.md", md);
  std::cerr << "\n" << md << std::flush;  // stdout carries only the summary line

  counts.items_ok = res.judgments_ok;
  counts.items_failed = res.judgments_failed;
  counts.extra = {{"models", static_cast<int64_t>(set.models.size())},
                  {"samples", static_cast<int64_t>(set.samples.size())},
                  {"pairs_compared", static_cast<int64_t>(res.outcomes.size())},
                  {"pairs_failed", res.pairs_failed},
                  {"plots", static_cast<int64_t>(plots.written.size())},
                  {"plot_errors", static_cast<int64_t>(plots.errors.size())}};
  ctx.metrics.write(
      {{"stage", "eval"}, {"judgments_ok", res.judgments_ok}, {"judgments_failed", res.judgments_failed}});
  return counts;
}

}  // namespace cf::eval
