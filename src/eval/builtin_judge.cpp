#include "eval/builtin_judge.h"

#include <cmath>
#include <optional>
#include <set>

#include "eval/text_match.h"

namespace cf::eval {
namespace {

ScoreJudgment from_similarity(double sim, std::string reason) {
  ScoreJudgment j;
  j.ok = true;
  j.similarity = sim;
  j.score = 1 + std::lround(4 * sim);
  j.reason = std::move(reason);
  return j;
}

ScoreJudgment exact(bool same, const std::string& what) {
  return from_similarity(same ? 1.0 : 0.0, same ? what + " matches" : what + " differs");
}

std::optional<bool> as_bool(const nlohmann::json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0;
  if (v.is_string()) {
    const std::string s = normalize_enum(v.get<std::string>());
    if (s == "true" || s == "yes") return true;
    if (s == "false" || s == "no") return false;
  }
  return std::nullopt;
}

std::optional<long long> as_int(const nlohmann::json& v) {
  double d;
  if (v.is_number()) d = v.get<double>();
  else if (v.is_string()) {
    try {
      size_t used = 0;
      const std::string s = v.get<std::string>();
      d = std::stod(s, &used);
      if (s.find_first_not_of(" \t", used) != std::string::npos) return std::nullopt;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  } else return std::nullopt;
  if (std::floor(d) != d) return std::nullopt;
  return static_cast<long long>(d);
}

std::string as_text(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::set<std::string> as_set(const nlohmann::json& v) {
  std::set<std::string> out;
  if (v.is_array()) {
    for (const auto& x : v) {
      const std::string n = normalize_enum(as_text(x));
      if (!n.empty()) out.insert(n);
    }
  } else if (!v.is_null()) {
    const std::string n = normalize_enum(as_text(v));
    if (!n.empty()) out.insert(n);
  }
  return out;
}

}  // namespace

ScoreJudgment builtin_field_score(FieldKind kind, const nlohmann::json& reference, const nlohmann::json& answer) {
  switch (kind) {
    case FieldKind::Enum: return exact(normalize_enum(as_text(reference)) == normalize_enum(as_text(answer)), "value");
    case FieldKind::Bool: {
      const auto r = as_bool(reference), a = as_bool(answer);
      return exact(r && a && *r == *a, "boolean");
    }
    case FieldKind::Int: {
      const auto r = as_int(reference), a = as_int(answer);
      return exact(r && a && *r == *a, "integer");
    }
    case FieldKind::EnumList: {
      const auto r = as_set(reference), a = as_set(answer);
      if (r.empty() && a.empty()) return from_similarity(1.0, "both empty");
      size_t inter = 0;
      for (const auto& x : r) inter += a.count(x);
      const double uni = static_cast<double>(r.size() + a.size() - inter);
      return from_similarity(inter / uni, "jaccard " + std::to_string(inter) + "/" + std::to_string(int(uni)));
    }
    case FieldKind::Text: {
      const TextMatch m = match_text(as_text(reference), as_text(answer));
      char buf[128];
      std::snprintf(buf, sizeof buf, "fact recall %.2f, precision %.2f, rouge-l %.2f", m.fact_recall, m.fact_precision,
                    m.rouge_l);
      return from_similarity(m.similarity, buf);
    }
  }
  return exact(false, "value");
}

ScoreJudgment builtin_sample_score(const std::string& task, const std::string& reference, const std::string& answer) {
  if (task == "annotation") {
    const auto ref = parse_annotation(reference);
    const auto ans = parse_annotation(answer);
    if (!ref) {
      ScoreJudgment j;
      j.reason = "reference is not a JSON annotation";
      return j;
    }
    const auto fields = annotation_fields(*ref);
    if (!ans || fields.empty()) return from_similarity(0.0, "answer is not a JSON annotation");
    double sim = 0;
    for (const auto& f : fields) {
      const nlohmann::json a = ans->contains(f) ? (*ans)[f] : nlohmann::json();
      sim += builtin_field_score(field_kind(f, (*ref)[f]), (*ref)[f], a).similarity;
    }
    ScoreJudgment j = from_similarity(sim / fields.size(), "mean over " + std::to_string(fields.size()) + " fields");
    return j;
  }
  if (task == "closed") return exact(closed_answer_matches(reference, answer), "closed answer");
  return builtin_field_score(FieldKind::Text, reference, answer);
}

PairJudgment builtin_compare(const std::string& task, const std::string& reference, const std::string& first,
                             const std::string& second, double tie_margin) {
  const ScoreJudgment a = builtin_sample_score(task, reference, first);
  const ScoreJudgment b = builtin_sample_score(task, reference, second);
  PairJudgment p;
  if (!a.ok || !b.ok) {
    p.reason = !a.ok ? a.reason : b.reason;
    return p;
  }
  p.ok = true;
  const double d = a.similarity - b.similarity;
  p.verdict = d > tie_margin ? 1 : (d < -tie_margin ? -1 : 0);
  char buf[96];
  std::snprintf(buf, sizeof buf, "similarity %.3f vs %.3f", a.similarity, b.similarity);
  p.reason = buf;
  return p;
}

}  // namespace cf::eval
