// Offline comparison of an answer with its reference: normalized strings for enums, closed
// answers (yes/no, counts, short phrases), and free text by fact overlap plus ROUGE-L.
#pragma once
#include <string>
#include <vector>

namespace cf::eval {

// Lower-case alphanumeric tokens joined by one space; "N/A", "none", "null", "" → "".
std::string normalize_enum(const std::string& s);

// Content tokens: rouge tokens without stop words, a plural "s" stripped.
std::vector<std::string> content_tokens(const std::string& text);

// Sentences (split at . ; ! ? and newlines) that hold at least one content token.
std::vector<std::string> facts_of(const std::string& text);

struct TextMatch {
  double fact_recall = 0, fact_precision = 0, rouge_l = 0;
  double similarity = 0;  // 0.5 * fact F1 + 0.5 * ROUGE-L
  int score = 1;          // 1 + round(4 * similarity)
};
// A fact is covered when >= 60 % of its content tokens, and all its decisive words (digits,
// number words, no/none/not/without, left/right/straight, red/green/yellow/amber/flashing),
// occur in the other text. Two empty texts
// match fully; one empty text matches nothing.
TextMatch match_text(const std::string& reference, const std::string& answer);

// Closed answers: yes/no by the first yes/no word, numbers by the first number (digits or
// number words up to twenty), otherwise normalized equality.
bool closed_answer_matches(const std::string& reference, const std::string& answer);

}  // namespace cf::eval
