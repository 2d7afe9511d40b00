// Pairwise results → win/tie/loss, win rates and Elo ratings with bootstrap confidence
// intervals. Ratings are the maximum-likelihood Bradley-Terry fit on the Elo scale
// (P(i beats j) = 1 / (1 + 10^((R_j - R_i) / scale)), ties count half a win each), found with
// Hunter's MM iteration; `prior_games` virtual ties between every pair keep ratings finite when
// a model wins everything. The fit does not depend on the order of the judgments (unlike online
// Elo with a K factor). Mean rating = base.
#pragma once
#include <cstdint>
#include <vector>

namespace cf::eval {

struct Outcome {
  int a = 0, b = 0;      // model indices
  double score_a = 0.5;  // 1 a won, 0.5 tie, 0 b won
};

// One sample judged in both orders: v_ab = verdict with a shown first (+1 a better), v_ba =
// verdict with b shown first (+1 b better). a wins when (v_ab - v_ba) > 0, loses when < 0,
// else tie: a winner has to survive the swap of positions (one order's tie still lets the other
// decide; opposite verdicts cancel to a tie).
double combine_orders(int v_ab, int v_ba);

struct EloOptions {
  double base = 1000, scale = 400, prior_games = 1.0;
  int64_t bootstrap_rounds = 1000;
  uint64_t seed = 1234;
  double ci = 0.95;
};

std::vector<double> fit_elo(const std::vector<Outcome>& outcomes, int models, const EloOptions& opt);

struct EloResult {
  std::vector<double> rating, lo, hi;  // rating on all outcomes; percentile CI over resamples
};
// Bootstrap: `bootstrap_rounds` resamples of the outcomes with replacement (mt19937_64 seeded by
// `seed`, index = draw mod n), refit each; lo/hi are the (1-ci)/2 and (1+ci)/2 percentiles.
EloResult elo_with_ci(const std::vector<Outcome>& outcomes, int models, const EloOptions& opt);

struct Record {
  int64_t wins = 0, ties = 0, losses = 0;
  int64_t games() const { return wins + ties + losses; }
  double win_rate() const { return games() ? (wins + 0.5 * ties) / games() : 0.0; }  // ties half
};
// record[i][j]: model i's results against model j; record[i][i] = i's totals over all opponents.
std::vector<std::vector<Record>> win_records(const std::vector<Outcome>& outcomes, int models);

}  // namespace cf::eval
