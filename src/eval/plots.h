// PNG plots drawn by gnuplot (pngcairo): per-field mean scores for each model (clustered bars),
// task scores, Elo ratings with their bootstrap CI as error bars, and training loss curves from
// cf-train's metrics JSONL. Each plot is a .dat + .gp pair under <out>/plots/, so it can be
// redrawn or restyled by hand; gnuplot failing (or missing) is reported, not fatal.
#pragma once
#include <string>
#include <vector>

#include "eval/evaluate.h"

namespace cf::eval {

struct LossCurve {
  std::string label;
  std::vector<std::pair<int64_t, double>> points;  // (step, loss), by step
};

// Reads <dir>/logs/metrics-rank0.jsonl (or a .jsonl file given directly): records with "step"
// and "loss"; a step logged twice (a resumed run) keeps its last value. Throws ConfigError when
// the file is missing, DataError on a line that is not JSON.
LossCurve read_loss_curve(const std::string& path);

struct PlotResult {
  std::vector<std::string> written;  // PNG paths
  std::vector<std::string> errors;   // one line per plot that failed
};

PlotResult write_plots(const std::string& out_dir, const EvalResult& res, bool failed_as_min,
                       const std::vector<LossCurve>& curves, const std::string& gnuplot);

}  // namespace cf::eval
