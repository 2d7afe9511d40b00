#include "eval/evaluate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "eval/fields.h"

namespace cf::eval {

void Tally::add(bool ok, double score, double success_score) {
  if (!ok) {
    ++failed;
    return;
  }
  ++judged;
  sum += score;
  successes += score >= success_score;
}

double Tally::mean(bool failed_as_min) const {
  const double n = static_cast<double>(judged + (failed_as_min ? failed : 0));
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  return (sum + (failed_as_min ? static_cast<double>(failed) : 0.0)) / n;
}

double Tally::success_rate() const {
  const int64_t n = judged + failed;
  return n ? static_cast<double>(successes) / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN();
}

double task_score(const Tally& t, bool failed_as_min) { return (t.mean(failed_as_min) - 1) / 4 * 100; }

namespace {

std::string value_text(const nlohmann::json& v) {
  if (v.is_null()) return "null";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : "; ") + (x.is_string() ? x.get<std::string>() : x.dump());
    return s.empty() ? "[] (none)" : s;
  }
  return v.dump();
}

// Where a judgment's result goes: the request index, or a local verdict (answer not JSON).
struct Slot {
  size_t sample = 0, model = 0;
  std::string field;
  std::optional<size_t> request;
  ScoreJudgment local;
};

void score_all(const EvalSet& set, Judge& judge, const EvalOptions& opt, EvalResult& res) {
  std::vector<ScoreRequest> reqs;
  std::vector<Slot> slots;
  for (size_t s = 0; s < set.samples.size(); ++s) {
    const Sample& smp = set.samples[s];
    const auto ref = smp.task == "annotation" ? parse_annotation(smp.reference) : std::nullopt;
    for (size_t m = 0; m < set.models.size(); ++m) {
      if (smp.task != "annotation") {
        slots.push_back({s, m, "", reqs.size(), {}});
        reqs.push_back({smp.task, "", smp.question, smp.reference, smp.answers[m], {}, {}});
        continue;
      }
      if (!ref) {
        Slot bad{s, m, "", std::nullopt, {}};
        bad.local.reason = "reference is not a JSON annotation";
        slots.push_back(bad);
        continue;
      }
      const auto ans = parse_annotation(smp.answers[m]);
      res.unparseable_answers[m] += !ans;
      for (const auto& f : annotation_fields(*ref)) {
        if (!ans) {
          Slot local{s, m, f, std::nullopt, {}};
          local.local = {true, 1, 0, "answer is not a JSON annotation", ""};
          slots.push_back(local);
          continue;
        }
        const nlohmann::json a = ans->contains(f) ? (*ans)[f] : nlohmann::json();
        slots.push_back({s, m, f, reqs.size(), {}});
        reqs.push_back({"annotation", f, smp.question.empty() ? "Annotate the driving clip." : smp.question,
                        value_text((*ref)[f]), value_text(a), (*ref)[f], a});
      }
    }
  }
  const auto judged = judge.score(reqs);
  // Per (sample, model): the annotation sample score is the mean of its field scores.
  std::map<std::pair<size_t, size_t>, Tally> per_sample;
  for (const auto& sl : slots) {
    const ScoreJudgment& j = sl.request ? judged[*sl.request] : sl.local;
    const Sample& smp = set.samples[sl.sample];
    res.judgments.push_back({{"type", "score"},
                             {"sample_id", smp.sample_id},
                             {"model", set.models[sl.model]},
                             {"task", smp.task},
                             {"field", sl.field},
                             {"ok", j.ok},
                             {"score", j.ok ? j.score : 0.0},
                             {"reason", j.reason},
                             {"raw", j.raw}});
    (j.ok ? res.judgments_ok : res.judgments_failed)++;
    if (!sl.field.empty()) {
      auto& v = res.field[sl.field];
      if (v.empty()) {
        v.resize(set.models.size());
        res.fields.push_back(sl.field);
      }
      v[sl.model].add(j.ok, j.score, opt.success_score);
      per_sample[{sl.sample, sl.model}].add(j.ok, j.score, opt.success_score);
    } else {
      Tally t;
      t.add(j.ok, j.score, opt.success_score);
      per_sample[{sl.sample, sl.model}] = t;
    }
  }
  for (const auto& [key, t] : per_sample) {
    const std::string& task = set.samples[key.first].task;
    auto& v = res.task[task];
    if (v.empty()) v.resize(set.models.size());
    // A sample fails when none of its judgments succeeded; an annotation with some failed
    // fields keeps its mean (failed fields as 1 under failed_as_min; the field table counts them).
    v[key.second].add(t.judged > 0, t.mean(opt.failed_as_min), opt.success_score);
  }
  for (const auto& [name, v] : res.task) res.tasks.push_back(name);
  // Fields in schema order, then the rest by name.
  const auto& schema = schema_fields();
  auto rank = [&](const std::string& f) {
    auto it = std::find(schema.begin(), schema.end(), f);
    return std::make_pair(it - schema.begin(), f);
  };
  std::sort(res.fields.begin(), res.fields.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
}

void compare_all(const EvalSet& set, Judge& judge, EvalResult& res) {
  std::vector<PairRequest> reqs;
  struct Pair {
    size_t sample;
    int a, b;
  };
  std::vector<Pair> pairs;
  const int n = static_cast<int>(set.models.size());
  for (int a = 0; a < n; ++a)
    for (int b = a + 1; b < n; ++b)
      for (size_t s = 0; s < set.samples.size(); ++s) {
        const Sample& smp = set.samples[s];
        pairs.push_back({s, a, b});
        reqs.push_back({smp.task, smp.question, smp.reference, smp.answers[a], smp.answers[b]});
        reqs.push_back({smp.task, smp.question, smp.reference, smp.answers[b], smp.answers[a]});
      }
  const auto verdicts = judge.compare(reqs);
  for (size_t k = 0; k < pairs.size(); ++k) {
    const auto& p = pairs[k];
    const PairJudgment& ab = verdicts[2 * k];
    const PairJudgment& ba = verdicts[2 * k + 1];
    for (const auto* v : {&ab, &ba})
      res.judgments.push_back({{"type", "pair"},
                               {"sample_id", set.samples[p.sample].sample_id},
                               {"first", set.models[v == &ab ? p.a : p.b]},
                               {"second", set.models[v == &ab ? p.b : p.a]},
                               {"ok", v->ok},
                               {"verdict", v->verdict},
                               {"reason", v->reason},
                               {"raw", v->raw}});
    res.judgments_ok += ab.ok + ba.ok;
    res.judgments_failed += !ab.ok + !ba.ok;
    if (!ab.ok || !ba.ok) {
      ++res.pairs_failed;
      continue;
    }
    res.outcomes.push_back({p.a, p.b, combine_orders(ab.verdict, ba.verdict)});
  }
}

}  // namespace

EvalResult evaluate(const EvalSet& set, Judge& judge, const EvalOptions& opt) {
  EvalResult res;
  res.models = set.models;
  res.unparseable_answers.assign(set.models.size(), 0);
  score_all(set, judge, opt, res);
  if (opt.pairwise && set.models.size() >= 2) compare_all(set, judge, res);
  const int n = static_cast<int>(set.models.size());
  res.records = win_records(res.outcomes, n);
  res.elo = elo_with_ci(res.outcomes, n, opt.elo);
  return res;
}

}  // namespace cf::eval
