#include "eval/plots.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace cf::eval {
namespace fs = std::filesystem;

LossCurve read_loss_curve(const std::string& path) {
  fs::path p(path);
  if (fs::is_directory(p)) p = p / "logs" / "metrics-rank0.jsonl";
  std::ifstream in(p);
  if (!in) throw ConfigError("eval.train_logs: cannot read '" + p.string() + "'");
  LossCurve c;
  fs::path label(path);
  if (label.filename().empty()) label = label.parent_path();
  c.label = fs::is_directory(path) ? label.filename().string() : label.stem().string();
  std::map<int64_t, double> by_step;
  std::string line;
  for (int64_t n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const std::exception& e) {
      throw DataError(p.string() + ":" + std::to_string(n) + ": not JSON: " + e.what());
    }
    if (j.contains("step") && j.contains("loss") && j["step"].is_number() && j["loss"].is_number())
      by_step[j["step"].get<int64_t>()] = j["loss"].get<double>();
  }
  c.points.assign(by_step.begin(), by_step.end());
  return c;
}

namespace {

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);  // gnuplot single-quote escape
  return q + "'";
}

std::string shell_quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Writes name.dat and name.gp, runs gnuplot; on success adds name.png to the result.
void draw(const fs::path& dir, const std::string& name, const std::string& data, const std::string& script,
          const std::string& gnuplot, PlotResult& res) {
  const fs::path dat = dir / (name + ".dat"), gp = dir / (name + ".gp"), png = dir / (name + ".png"),
                 log = dir / (name + ".log");
  std::ofstream(dat) << data;
  std::ofstream(gp) << "set terminal pngcairo size 1000,600 noenhanced font 'Sans,10'\nset output " +
                           quoted(png.string()) + "\ndatafile = " + quoted(dat.string()) + "\n" + script;
  fs::remove(png);
  const std::string cmd =
      shell_quoted(gnuplot) + " " + shell_quoted(gp.string()) + " > " + shell_quoted(log.string()) + " 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream err(log);
  std::string first;
  std::getline(err, first);
  if (rc != 0 || !fs::exists(png) || fs::file_size(png) == 0)
    res.errors.push_back(name + ": gnuplot (" + gnuplot + ") failed with status " + std::to_string(rc) +
                         (first.empty() ? "" : ": " + first));
  else res.written.push_back(png.string());
}

std::string label_row(const std::string& s) { return "\"" + s + "\""; }

std::string bars(const std::vector<std::string>& rows, const std::vector<std::string>& models,
                 const std::function<double(const std::string&, size_t)>& value) {
  std::string d = "label";
  for (const auto& m : models) d += " " + label_row(m);
  d += "\n";
  for (const auto& r : rows) {
    d += label_row(r);
    for (size_t m = 0; m < models.size(); ++m) {
      const double v = value(r, m);
      d += " " + (std::isnan(v) ? std::string("NaN") : std::to_string(v));
    }
    d += "\n";
  }
  return d;
}

std::string histogram_script(const std::string& title, const std::string& ylabel, double ymax, size_t models) {
  return "set title " + quoted(title) + "\nset ylabel " + quoted(ylabel) + "\nset yrange [0:" + std::to_string(ymax) +
         "]\nset style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.85 border -1\n"
         "set boxwidth 0.9\nset xtics rotate by -35 left\nset key outside right top\nset grid ytics\nset bmargin 9\n"
         "plot for [i=2:" +
         std::to_string(models + 1) + "] datafile using i:xtic(1) title columnheader(i)\n";
}

}  // namespace

PlotResult write_plots(const std::string& out_dir, const EvalResult& res, bool failed_as_min,
                       const std::vector<LossCurve>& curves, const std::string& gnuplot) {
  PlotResult out;
  const fs::path dir = fs::path(out_dir) / "plots";
  fs::create_directories(dir);
  if (!res.fields.empty())
    draw(dir, "fields",
         bars(res.fields, res.models,
              [&](const std::string& f, size_t m) { return res.field.at(f)[m].mean(failed_as_min); }),
         histogram_script("Clip annotation fields: mean judge score", "score (1-5)", 5.2, res.models.size()), gnuplot,
         out);
  if (!res.tasks.empty())
    draw(dir, "tasks",
         bars(res.tasks, res.models,
              [&](const std::string& t, size_t m) { return task_score(res.task.at(t)[m], failed_as_min); }),
         histogram_script("Task scores", "score (0-100)", 105, res.models.size()), gnuplot, out);
  if (res.models.size() >= 2) {
    std::string d = "model rating low high\n";
    for (size_t m = 0; m < res.models.size(); ++m)
      d += label_row(res.models[m]) + " " + std::to_string(res.elo.rating[m]) + " " + std::to_string(res.elo.lo[m]) +
           " " + std::to_string(res.elo.hi[m]) + "\n";
    draw(dir, "elo", d,
         "set title 'Elo rating (bars: bootstrap CI)'\nset ylabel 'Elo'\nset style fill solid 0.6 border -1\n"
         "set boxwidth 0.6\nset xrange [-0.7:" +
             std::to_string(res.models.size() - 0.3) +
             "]\nset grid ytics\nset key off\n"
             "plot datafile using 0:2:xtic(1) skip 1 with boxes, '' using 0:2:3:4 skip 1 with yerrorbars lw 2 pt 7\n",
         gnuplot, out);
  }
  std::vector<const LossCurve*> drawn;
  for (const auto& c : curves)
    if (!c.points.empty()) drawn.push_back(&c);
  if (!drawn.empty()) {
    std::string d, plot = "plot ";
    for (size_t i = 0; i < drawn.size(); ++i) {
      d += "# " + drawn[i]->label + "\n";
      for (const auto& [s, l] : drawn[i]->points) d += std::to_string(s) + " " + std::to_string(l) + "\n";
      d += "\n\n";  // next gnuplot index
      plot += std::string(i ? ", " : "") + "datafile index " + std::to_string(i) + " using 1:2 with lines lw 2 title " +
              quoted(drawn[i]->label);
    }
    draw(dir, "loss", d, "set title 'Training loss'\nset xlabel 'step'\nset ylabel 'loss'\nset grid\n" + plot + "\n",
         gnuplot, out);
  }
  return out;
}

}  // namespace cf::eval
