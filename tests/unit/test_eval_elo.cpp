// Win rates, order combination, Bradley-Terry Elo against hand-computed cases, and bootstrap
// determinism by seed.
#include <cmath>

#include <gtest/gtest.h>

#include "eval/elo.h"

using namespace cf::eval;

TEST(EvalElo, CombineOrdersCancelsPositionBias) {
  EXPECT_EQ(combine_orders(+1, -1), 1.0);  // a better in both orders
  EXPECT_EQ(combine_orders(-1, +1), 0.0);  // b better in both orders
  EXPECT_EQ(combine_orders(+1, +1), 0.5);  // the first shown always wins: position bias → tie
  EXPECT_EQ(combine_orders(-1, -1), 0.5);
  EXPECT_EQ(combine_orders(+1, 0), 1.0);  // one order a, the other a tie
  EXPECT_EQ(combine_orders(0, +1), 0.0);
  EXPECT_EQ(combine_orders(0, 0), 0.5);
}

TEST(EvalElo, WinRecords) {
  // a beats b twice, ties once, loses once; a beats c once.
  std::vector<Outcome> o = {{0, 1, 1}, {0, 1, 1}, {0, 1, 0.5}, {1, 0, 1}, {0, 2, 1}};
  auto r = win_records(o, 3);
  EXPECT_EQ(r[0][1].wins, 2);
  EXPECT_EQ(r[0][1].ties, 1);
  EXPECT_EQ(r[0][1].losses, 1);
  EXPECT_DOUBLE_EQ(r[0][1].win_rate(), 2.5 / 4);
  EXPECT_DOUBLE_EQ(r[1][0].win_rate(), 1.5 / 4);
  EXPECT_EQ(r[0][0].games(), 5);
  EXPECT_DOUBLE_EQ(r[0][0].win_rate(), 3.5 / 5);
  EXPECT_EQ(r[2][2].losses, 1);
  EXPECT_DOUBLE_EQ(r[2][2].win_rate(), 0.0);
}

TEST(EvalElo, TwoModelsByHand) {
  // W_a = 6 + 2/2 + prior/2, W_b = 2 + 2/2 + prior/2; R_a - R_b = 400 log10(W_a / W_b), mean 1000.
  std::vector<Outcome> o;
  for (int i = 0; i < 6; ++i) o.push_back({0, 1, 1});
  for (int i = 0; i < 2; ++i) o.push_back({0, 1, 0.5});
  for (int i = 0; i < 2; ++i) o.push_back({1, 0, 1});
  EloOptions opt;
  opt.prior_games = 1;
  auto r = fit_elo(o, 2, opt);
  const double diff = 400 * std::log10(7.5 / 3.5);
  EXPECT_NEAR(r[0] - r[1], diff, 1e-6);
  EXPECT_NEAR(r[0] + r[1], 2000, 1e-6);
  // Equal records: equal ratings. Undefeated: finite thanks to the prior.
  EXPECT_NEAR(fit_elo({{0, 1, 1}, {0, 1, 0}}, 2, opt)[0], 1000, 1e-9);
  auto u = fit_elo({{0, 1, 1}, {0, 1, 1}, {0, 1, 1}}, 2, opt);
  EXPECT_NEAR(u[0] - u[1], 400 * std::log10(3.5 / 0.5), 1e-6);
}

TEST(EvalElo, ThreeModelsSatisfyTheLikelihoodEquations) {
  // a > b > c with some upsets. At the MLE, each model's (prior-augmented) wins equal its
  // expected wins, and the ratings are ordered.
  std::vector<Outcome> o;
  auto add = [&](int a, int b, double s, int n) {
    for (int i = 0; i < n; ++i) o.push_back({a, b, s});
  };
  add(0, 1, 1, 7);
  add(0, 1, 0, 3);
  add(1, 2, 1, 6);
  add(1, 2, 0.5, 2);
  add(0, 2, 1, 9);
  add(2, 0, 1, 1);
  EloOptions opt;
  auto r = fit_elo(o, 3, opt);
  EXPECT_GT(r[0], r[1]);
  EXPECT_GT(r[1], r[2]);
  EXPECT_NEAR((r[0] + r[1] + r[2]) / 3, 1000, 1e-6);
  auto p = [&](int i, int j) { return 1 / (1 + std::pow(10, (r[j] - r[i]) / 400)); };
  double games[3][3] = {{0, 10 + 1, 10 + 1}, {11, 0, 8 + 1}, {11, 9, 0}};
  double wins[3] = {7 + 9 + 1, 3 + 6 + 1 + 1, 1 + 1 + 1};  // + prior/2 per opponent
  for (int i = 0; i < 3; ++i) {
    double expect = 0;
    for (int j = 0; j < 3; ++j)
      if (j != i) expect += games[i][j] * p(i, j);
    EXPECT_NEAR(expect, wins[i], 1e-6) << i;
  }
}

TEST(EvalElo, BootstrapDeterministicBySeedAndCoversRating) {
  std::vector<Outcome> o;
  for (int i = 0; i < 40; ++i) o.push_back({i % 3, (i + 1) % 3, (i % 5) < 3 ? 1.0 : (i % 5 == 3 ? 0.5 : 0.0)});
  EloOptions opt;
  opt.bootstrap_rounds = 300;
  opt.seed = 99;
  auto a = elo_with_ci(o, 3, opt), b = elo_with_ci(o, 3, opt);
  EXPECT_EQ(a.lo, b.lo);
  EXPECT_EQ(a.hi, b.hi);
  opt.seed = 100;
  auto c = elo_with_ci(o, 3, opt);
  EXPECT_NE(a.lo, c.lo);
  for (int m = 0; m < 3; ++m) {
    EXPECT_LE(a.lo[m], a.rating[m] + 1e-9);
    EXPECT_GE(a.hi[m], a.rating[m] - 1e-9);
    EXPECT_LT(a.lo[m], a.hi[m]);
  }
  // The fit does not depend on the order of the judgments.
  std::vector<Outcome> rev(o.rbegin(), o.rend());
  auto r1 = fit_elo(o, 3, opt), r2 = fit_elo(rev, 3, opt);
  for (int m = 0; m < 3; ++m) EXPECT_NEAR(r1[m], r2[m], 1e-9);
}
