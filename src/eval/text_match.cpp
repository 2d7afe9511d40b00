#include "eval/text_match.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/text_metrics.h"

namespace cf::eval {

std::string normalize_enum(const std::string& s) {
  std::string out;
  for (const auto& t : rouge_tokens(s)) out += (out.empty() ? "" : " ") + t;
  if (out == "n a" || out == "na" || out == "none" || out == "null") return "";
  return out;
}

namespace {
const std::set<std::string>& stop_words() {
  static const std::set<std::string> s = {
      "a",     "an",   "the",  "is",   "are", "was",   "were", "be",   "been", "of",   "in",   "on",    "at", "to",
      "and",   "or",   "with", "by",   "for", "from",  "as",   "it",   "its",  "this", "that", "there", "so", "which",
      "while", "into", "has",  "have", "its", "their", "then", "than", "also", "very", "some", "any"};
  return s;
}

std::string stem(const std::string& t) {
  if (t.size() > 3 && t.back() == 's' && t[t.size() - 2] != 's') return t.substr(0, t.size() - 1);
  return t;
}

// Words that decide a fact on their own: numbers ("two lanes" is not "three lanes"), negation,
// directions and signal colours ("turning left" is not "turning right").
bool is_decisive(const std::string& t) {
  static const std::set<std::string> words = {
      "zero", "one",  "single", "two",     "three", "four",  "five",     "six", "seven", "eight",  "nine",  "ten",
      "no",   "none", "not",    "without", "left",  "right", "straight", "red", "green", "yellow", "amber", "flashing"};
  return words.count(t) ||
         std::all_of(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// A fact is covered when >= 60 % of its content tokens, and all its decisive ones, occur in `other`.
double covered_share(const std::vector<std::string>& facts, const std::set<std::string>& other) {
  if (facts.empty()) return 0;
  int covered = 0;
  for (const auto& f : facts) {
    const auto toks = content_tokens(f);
    int hit = 0;
    bool numbers = true;
    for (const auto& t : toks) {
      hit += other.count(t) != 0;
      if (is_decisive(t) && !other.count(t)) numbers = false;
    }
    if (!toks.empty() && numbers && hit >= 0.6 * static_cast<double>(toks.size())) ++covered;
  }
  return static_cast<double>(covered) / static_cast<double>(facts.size());
}
}  // namespace

std::vector<std::string> content_tokens(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& t : rouge_tokens(text))
    if (!stop_words().count(t)) out.push_back(stem(t));
  return out;
}

std::vector<std::string> facts_of(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!content_tokens(cur).empty()) out.push_back(cur);
    cur.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    // A '.' between digits ("2.5 m") does not end a sentence.
    const bool decimal = c == '.' && i > 0 && i + 1 < text.size() &&
                         std::isdigit(static_cast<unsigned char>(text[i - 1])) &&
                         std::isdigit(static_cast<unsigned char>(text[i + 1]));
    if ((c == '.' && !decimal) || c == ';' || c == '!' || c == '?' || c == '\n') flush();
    else cur += c;
  }
  flush();
  return out;
}

TextMatch match_text(const std::string& reference, const std::string& answer) {
  TextMatch m;
  const auto rt = rouge_tokens(reference), at = rouge_tokens(answer);
  if (rt.empty() || at.empty()) {
    m.similarity = rt.empty() && at.empty() ? 1.0 : 0.0;
    m.fact_recall = m.fact_precision = m.rouge_l = m.similarity;
    m.score = 1 + static_cast<int>(std::lround(4 * m.similarity));
    return m;
  }
  const auto rc = content_tokens(reference), ac = content_tokens(answer);
  const std::set<std::string> rset(rc.begin(), rc.end()), aset(ac.begin(), ac.end());
  m.fact_recall = covered_share(facts_of(reference), aset);
  m.fact_precision = covered_share(facts_of(answer), rset);
  const double f1 = m.fact_recall + m.fact_precision > 0
                        ? 2 * m.fact_recall * m.fact_precision / (m.fact_recall + m.fact_precision)
                        : 0.0;
  m.rouge_l = rouge_l_f(rt, at);
  m.similarity = 0.5 * f1 + 0.5 * m.rouge_l;
  m.score = 1 + static_cast<int>(std::lround(4 * m.similarity));
  return m;
}

namespace {
// "yes"/"no", a number as digits, or "" when the text has neither (first occurrence wins).
std::string closed_key(const std::string& text) {
  static const std::vector<std::string> words = {"zero",     "one",      "two",      "three",   "four",    "five",
                                                 "six",      "seven",    "eight",    "nine",    "ten",     "eleven",
                                                 "twelve",   "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                                                 "eighteen", "nineteen", "twenty"};
  for (const auto& t : rouge_tokens(text)) {
    if (t == "yes" || t == "no") return t;
    if (t == "none") return "0";
    if (std::all_of(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return std::to_string(std::stoll(t.size() > 18 ? t.substr(0, 18) : t));
    auto it = std::find(words.begin(), words.end(), t);
    if (it != words.end()) return std::to_string(it - words.begin());
  }
  return "";
}
}  // namespace

bool closed_answer_matches(const std::string& reference, const std::string& answer) {
  const std::string rk = closed_key(reference);
  if (!rk.empty()) return closed_key(answer) == rk;
  return normalize_enum(reference) == normalize_enum(answer);
}

}  // namespace cf::eval
