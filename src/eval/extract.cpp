#include "eval/extract.h"

#include <regex>
#include <vector>

namespace cf::eval {
namespace {

// Captures of the last match of `re` in `text` (empty when none).
std::smatch last_match(const std::string& text, const std::regex& re) {
  std::smatch last;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) last = *it;
  return last;
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string last_line(const std::string& s) {
  size_t end = s.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return "";
  size_t start = s.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return s.substr(start, end - start + 1);
}

ScoreJudgment score_value(const std::string& number, const std::string& scale, const std::string& how) {
  ScoreJudgment j;
  const double v = std::stod(number);
  if (!scale.empty() && std::stod(scale) != 5) {
    j.reason = "score " + number + "/" + scale + " is not on the 1-5 scale (" + how + ")";
    return j;
  }
  if (v < 1 || v > 5) {
    j.reason = "score " + number + " out of range 1-5 (" + how + ")";
    return j;
  }
  j.ok = true;
  j.score = v;
  j.similarity = (v - 1) / 4;
  j.reason = how;
  return j;
}

}  // namespace

ScoreJudgment extract_score(const std::string& reply) {
  ScoreJudgment fail;
  fail.raw = reply;
  if (blank(reply)) {
    fail.reason = "empty reply";
    return fail;
  }
  static const std::string num = R"(([+-]?\d+(?:\.\d+)?))";
  static const std::regex tag(
      R"(<\s*(?:score|answer)\s*>\s*\[?\s*)" + num + R"(\s*(?:/\s*(\d+))?\s*\]?\s*<\s*/\s*(?:score|answer)\s*>)",
      std::regex::icase);
  static const std::regex keyword(
      R"((?:score|rating|grade)\s*(?:is|of)?\s*[:=]?\s*[*_\s]*)" + num + R"((?:\s*(?:/|out of)\s*(\d+))?)",
      std::regex::icase);
  static const std::regex fraction(num + R"(\s*(?:/|out of)\s*5\b)", std::regex::icase);
  static const std::regex lone(R"(^[\s*_#>\[(]*)" + num + R"([\s*_.\])]*$)");
  std::smatch m = last_match(reply, tag);
  if (!m.empty()) {
    auto j = score_value(m[1], m[2], "tag");
    j.raw = reply;
    return j;
  }
  m = last_match(reply, keyword);
  if (!m.empty()) {
    auto j = score_value(m[1], m[2], "keyword");
    j.raw = reply;
    return j;
  }
  m = last_match(reply, fraction);
  if (!m.empty()) {
    auto j = score_value(m[1], "5", "fraction");
    j.raw = reply;
    return j;
  }
  const std::string line = last_line(reply);
  if (std::regex_match(line, m, lone)) {
    auto j = score_value(m[1], "", "last line");
    j.raw = reply;
    return j;
  }
  static const std::regex any_number(R"(\d+)");
  const auto n = std::distance(std::sregex_iterator(reply.begin(), reply.end(), any_number), std::sregex_iterator());
  fail.reason = n > 1 ? "no score marker and several numbers in the reply" : "no score in the reply";
  return fail;
}

PairJudgment extract_verdict(const std::string& reply) {
  PairJudgment fail;
  fail.raw = reply;
  if (blank(reply)) {
    fail.reason = "empty reply";
    return fail;
  }
  auto verdict_of = [&](std::string v, const std::string& how) {
    PairJudgment p;
    p.raw = reply;
    for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    p.ok = true;
    p.verdict = v == "a" || v == "1" ? 1 : (v == "b" || v == "2" ? -1 : 0);
    p.reason = how;
    return p;
  };
  static const std::regex tag(R"(<\s*verdict\s*>\s*(?:answer\s*)?(A|B|tie|C)\s*<\s*/\s*verdict\s*>)",
                              std::regex::icase);
  static const std::regex brackets(R"(\[\[\s*(A|B|C|tie)\s*\]\])", std::regex::icase);
  static const std::regex keyword(
      R"((?:verdict|winner|better answer)\s*(?:is)?\s*[:=]?\s*[*_\s]*(?:answer\s*)?(A|B|tie)\b)", std::regex::icase);
  static const std::regex lone(R"(^[\s*_#>\[(]*(?:answer\s*)?(A|B|tie)[\s*_.\])]*$)", std::regex::icase);
  std::smatch m = last_match(reply, tag);
  if (!m.empty()) return verdict_of(m[1], "tag");
  m = last_match(reply, brackets);
  if (!m.empty()) return verdict_of(m[1], "brackets");
  m = last_match(reply, keyword);
  if (!m.empty()) return verdict_of(m[1], "keyword");
  const std::string line = last_line(reply);
  if (std::regex_match(line, m, lone)) return verdict_of(m[1], "last line");
  fail.reason = "no verdict (A, B or tie) in the reply";
  return fail;
}

}  // namespace cf::eval
