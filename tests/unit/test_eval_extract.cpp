// Score and verdict extraction from judge replies: tags, keywords, fractions, last lines, and
// the tricky ones (no tag, several numbers, out of range, empty, other scales).
#include <gtest/gtest.h>

#include "eval/extract.h"

using cf::eval::extract_score;
using cf::eval::extract_verdict;

namespace {
double ok_score(const std::string& s) {
  auto j = extract_score(s);
  EXPECT_TRUE(j.ok) << "reply: " << s << " reason: " << j.reason;
  return j.score;
}
void fails(const std::string& s, const std::string& why) {
  auto j = extract_score(s);
  EXPECT_FALSE(j.ok) << "reply: " << s << " gave " << j.score;
  EXPECT_NE(j.reason.find(why), std::string::npos) << j.reason;
  EXPECT_EQ(j.raw, s);
}
}  // namespace

TEST(EvalExtract, Tags) {
  EXPECT_EQ(ok_score("Both mention rain. <score>4</score>"), 4);
  EXPECT_EQ(ok_score("<SCORE> 2 </SCORE>"), 2);
  EXPECT_EQ(ok_score("Close match.\n<answer>5</answer>"), 5);  // the recipe's tag
  EXPECT_EQ(ok_score("<score>[3]</score>"), 3);
  EXPECT_EQ(ok_score("draft <score>2</score> ... final <score>4</score>"), 4);  // last wins
  EXPECT_EQ(ok_score("There are 3 cars and 2 lanes. <score>5</score>"), 5);     // numbers + tag
  EXPECT_DOUBLE_EQ(ok_score("<score>3.5</score>"), 3.5);
  EXPECT_EQ(ok_score("<score>4/5</score>"), 4);
}

TEST(EvalExtract, Fallbacks) {
  EXPECT_EQ(ok_score("The answers agree on the weather.\nScore: 4"), 4);
  EXPECT_EQ(ok_score("**Score:** 3"), 3);
  EXPECT_EQ(ok_score("Rating = 2/5 because the sign is missing"), 2);
  EXPECT_EQ(ok_score("I would give it a 4/5."), 4);
  EXPECT_EQ(ok_score("The 2 answers differ in 3 ways.\n\n1"), 1);  // a last line that is only a number
  EXPECT_EQ(ok_score("5"), 5);
  EXPECT_EQ(ok_score("Final grade: **5**"), 5);
  EXPECT_EQ(ok_score("score of 3 out of 5"), 3);
}

TEST(EvalExtract, FailuresAreReportedNotGuessed) {
  fails("", "empty reply");
  fails("   \n\t", "empty reply");
  fails("The model saw 3 cars, the reference 2 cars and 1 bus.", "several numbers");
  fails("They match closely.", "no score");
  fails("<score>7</score>", "out of range");
  fails("<score>0</score>", "out of range");
  fails("Score: 8/10", "not on the 1-5 scale");
  fails("Score: 9", "out of range");
  fails("<score>high</score> and nothing else", "no score");
  fails("{\"choices\": garbled", "no score");
}

TEST(EvalExtract, Verdicts) {
  auto v = [](const std::string& s) {
    auto p = extract_verdict(s);
    EXPECT_TRUE(p.ok) << s << ": " << p.reason;
    return p.verdict;
  };
  EXPECT_EQ(v("A names the cone. <verdict>A</verdict>"), 1);
  EXPECT_EQ(v("<verdict> b </verdict>"), -1);
  EXPECT_EQ(v("<verdict>tie</verdict>"), 0);
  EXPECT_EQ(v("Both fine. [[C]]"), 0);
  EXPECT_EQ(v("[[B]]"), -1);
  EXPECT_EQ(v("Verdict: Answer A"), 1);
  EXPECT_EQ(v("The winner is B."), -1);
  EXPECT_EQ(v("Some reasoning.\nB"), -1);
  EXPECT_EQ(v("<verdict>A</verdict> on reflection <verdict>B</verdict>"), -1);
  for (const std::string bad : {"", "Both answers are good.", "<verdict>maybe</verdict>", "A and B differ"}) {
    auto p = extract_verdict(bad);
    EXPECT_FALSE(p.ok) << bad;
    EXPECT_FALSE(p.reason.empty());
  }
}
