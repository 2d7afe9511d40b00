#include <random>

#include <gtest/gtest.h>

#include "synth/ingest/dedupe.h"

using cf::ingest::DedupeUnit;

TEST(Dedupe, ExactKeepsEarliestAndNearUsesHammingThreshold) {
  std::vector<DedupeUnit> u = {
      {"a", false, {"h1"}, {0x0F0F0F0F0F0F0F0Full}},
      {"b", false, {"h2"}, {0x0F0F0F0F0F0F0F0Full ^ 0x7ull}},      // 3 bits from a
      {"c", false, {"h1"}, {0x0F0F0F0F0F0F0F0Full}},               // exact copy of a
      {"d", false, {"h3"}, {0xF0F0F0F0F0F0F0F0ull}},               // far from all
      {"e", false, {"h4"}, {0x0F0F0F0F0F0F0F0Full ^ 0x3F000ull}},  // 6 bits from a
  };
  auto d = cf::ingest::dedupe(u, {true, true, 5});
  EXPECT_TRUE(d[0].keep);
  EXPECT_FALSE(d[1].keep);
  EXPECT_EQ(d[1].duplicate_of, "a");
  EXPECT_NE(d[1].reason.find("near duplicate of a (perceptual distance 3)"), std::string::npos);
  EXPECT_FALSE(d[2].keep);
  EXPECT_EQ(d[2].reason, "exact duplicate of a");
  EXPECT_TRUE(d[3].keep);
  EXPECT_TRUE(d[4].keep);  // 6 > 5

  auto only_exact = cf::ingest::dedupe(u, {true, false, 5});
  EXPECT_TRUE(only_exact[1].keep);
  EXPECT_FALSE(only_exact[2].keep);
}

TEST(Dedupe, ClipsAreComparedWholeAndNeverAgainstImages) {
  const uint64_t p = 0x123456789ABCDEF0ull;
  std::vector<DedupeUnit> u = {
      {"img", false, {"x"}, {p}},
      {"clipA", true, {"x", "y"}, {p, ~p}},
      {"clipB", true, {"x2", "y2"}, {p ^ 1, ~p ^ 2}},  // every frame within 5 bits of clipA
      {"clipC", true, {"x3", "y3"}, {p, p}},           // first frame matches, second does not
  };
  auto d = cf::ingest::dedupe(u, {true, true, 5});
  EXPECT_TRUE(d[0].keep);
  EXPECT_TRUE(d[1].keep);
  EXPECT_FALSE(d[2].keep);
  EXPECT_EQ(d[2].duplicate_of, "clipA");
  EXPECT_TRUE(d[3].keep);
}

TEST(Dedupe, BandingFindsEveryPairWithinThreshold) {
  // Exhaustive check against brute force on random hashes with planted near pairs.
  std::mt19937_64 rng(42);
  std::vector<DedupeUnit> u;
  for (int i = 0; i < 400; ++i) {
    uint64_t h = rng();
    if (i % 5 == 4) {  // flip up to 6 random bits of an earlier hash
      h = u[rng() % u.size()].phashes[0];
      for (int k = rng() % 7; k > 0; --k) h ^= 1ull << (rng() % 64);
    }
    u.push_back({std::to_string(i), false, {std::to_string(i)}, {h}});
  }
  auto d = cf::ingest::dedupe(u, {true, true, 4});
  std::vector<size_t> kept;
  for (size_t i = 0; i < u.size(); ++i) {
    bool near_kept = false;
    for (size_t j : kept) near_kept |= __builtin_popcountll(u[i].phashes[0] ^ u[j].phashes[0]) <= 4;
    EXPECT_EQ(d[i].keep, !near_kept) << "unit " << i;
    if (!near_kept) kept.push_back(i);
  }
}
