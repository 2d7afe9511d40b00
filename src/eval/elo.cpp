#include "eval/elo.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace cf::eval {

double combine_orders(int v_ab, int v_ba) {
  const int d = v_ab - v_ba;
  return d > 0 ? 1.0 : (d < 0 ? 0.0 : 0.5);
}

std::vector<double> fit_elo(const std::vector<Outcome>& outcomes, int models, const EloOptions& opt) {
  const size_t n = static_cast<size_t>(models);
  std::vector<double> wins(n, 0.0);
  std::vector<std::vector<double>> games(n, std::vector<double>(n, 0.0));
  for (const auto& o : outcomes) {
    wins[o.a] += o.score_a;
    wins[o.b] += 1 - o.score_a;
    games[o.a][o.b] += 1;
    games[o.b][o.a] += 1;
  }
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      if (i != j) {
        games[i][j] += opt.prior_games;
        wins[i] += opt.prior_games / 2;  // the pair's prior games are ties: half to each side
      }
  std::vector<double> p(n, 1.0), next(n);
  for (int it = 0; it < 100000; ++it) {
    double change = 0;
    for (size_t i = 0; i < n; ++i) {
      double denom = 0;
      for (size_t j = 0; j < n; ++j)
        if (j != i && games[i][j] > 0) denom += games[i][j] / (p[i] + p[j]);
      next[i] = denom > 0 && wins[i] > 0 ? wins[i] / denom : p[i];
    }
    double log_mean = 0;
    for (double v : next) log_mean += std::log(v);
    log_mean /= static_cast<double>(n);
    for (size_t i = 0; i < n; ++i) {
      const double v = next[i] / std::exp(log_mean);
      change = std::max(change, std::fabs(std::log(v / p[i])));
      p[i] = v;
    }
    if (change < 1e-12) break;
  }
  std::vector<double> r(n);
  for (size_t i = 0; i < n; ++i) r[i] = opt.base + opt.scale * std::log10(p[i]);
  return r;
}

EloResult elo_with_ci(const std::vector<Outcome>& outcomes, int models, const EloOptions& opt) {
  EloResult res;
  res.rating = fit_elo(outcomes, models, opt);
  res.lo = res.hi = res.rating;
  if (outcomes.empty() || opt.bootstrap_rounds <= 0) return res;
  std::mt19937_64 rng(opt.seed);
  std::vector<std::vector<double>> samples(static_cast<size_t>(models));
  std::vector<Outcome> resample(outcomes.size());
  for (int64_t r = 0; r < opt.bootstrap_rounds; ++r) {
    for (auto& o : resample) o = outcomes[rng() % outcomes.size()];
    const auto fit = fit_elo(resample, models, opt);
    for (int m = 0; m < models; ++m) samples[m].push_back(fit[m]);
  }
  const double qlo = (1 - opt.ci) / 2, qhi = (1 + opt.ci) / 2;
  for (int m = 0; m < models; ++m) {
    auto& v = samples[m];
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[static_cast<size_t>(std::lround(q * static_cast<double>(v.size() - 1)))]; };
    res.lo[m] = at(qlo);
    res.hi[m] = at(qhi);
  }
  return res;
}

std::vector<std::vector<Record>> win_records(const std::vector<Outcome>& outcomes, int models) {
  std::vector<std::vector<Record>> rec(models, std::vector<Record>(models));
  auto add = [&](int i, int j, double s) {
    for (Record* r : {&rec[i][j], &rec[i][i]}) {
      if (s == 1) ++r->wins;
      else if (s == 0) ++r->losses;
      else ++r->ties;
    }
  };
  for (const auto& o : outcomes) {
    add(o.a, o.b, o.score_a);
    add(o.b, o.a, 1 - o.score_a);
  }
  return rec;
}

}  // namespace cf::eval
