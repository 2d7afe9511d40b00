#include "synth/merge/stats.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace cf::merge {
namespace {

using json = nlohmann::json;

void inc(json& obj, const std::string& key, int64_t n = 1) {
  if (!obj.is_object()) obj = json::object();
  obj[key] = obj.value(key, int64_t{0}) + n;
}

void count_split(json& s, const std::vector<Sample>& samples, const char* split) {
  for (const auto& x : samples) {
    inc(s["samples"], split);
    inc(s["tasks"][x.task], split);
    if (x.closed) inc(s["closed"], split);
    inc(s["images"], split, static_cast<int64_t>(x.image_ids.size()));
    inc(s["words"][x.task], std::to_string(word_count(x.question) + word_count(x.answer)));
  }
}

json words_summary(const std::map<int64_t, int64_t>& hist) {
  int64_t n = 0, sum = 0;
  for (const auto& [w, c] : hist) {
    n += c;
    sum += w * c;
  }
  auto pct = [&](double p) {
    const int64_t target = static_cast<int64_t>(std::ceil(p * static_cast<double>(n)));
    int64_t seen = 0;
    for (const auto& [w, c] : hist)
      if ((seen += c) >= std::max<int64_t>(1, target)) return w;
    return int64_t{0};
  };
  return {{"mean", n ? std::round(10.0 * static_cast<double>(sum) / static_cast<double>(n)) / 10.0 : 0.0},
          {"p50", pct(0.5)},
          {"p95", pct(0.95)},
          {"max", hist.empty() ? 0 : hist.rbegin()->first},
          {"total", sum}};
}

}  // namespace

std::string normalize_reason(const std::string& reason) {
  std::string out;
  for (size_t i = 0; i < reason.size(); ++i) {
    const char c = reason[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      auto digit = [&](size_t k) { return k < reason.size() && std::isdigit(static_cast<unsigned char>(reason[k])); };
      while (digit(i + 1) || (i + 2 < reason.size() && reason[i + 1] == '.' && digit(i + 2))) ++i;  // 12, 1.5
      out += 'N';
    } else if (c == '\'' || c == '"') {
      const size_t end = reason.find(c, i + 1);
      if (end == std::string::npos) {
        out += c;
        continue;
      }
      out += c;
      out += "…";
      out += c;
      i = end;
    } else {
      out += c;
    }
  }
  return out.size() > 200 ? out.substr(0, 200) + "…" : out;
}

size_t word_count(const std::string& s) {
  std::istringstream in(s);
  std::string w;
  size_t n = 0;
  while (in >> w) ++n;
  return n;
}

json shard_stats(const MergedShard& m, const std::vector<const Shard*>& upstream, const Shard& retrieve) {
  json s = json::object();
  s["samples"] = {{"train", 0}, {"eval", 0}};
  count_split(s, m.train, "train");
  count_split(s, m.eval, "eval");
  s["failures"] = json::object();
  auto add_failure = [&](const FailureRecord& f, const std::string& stage) {
    const std::string reason = (f.kind == "error" ? "" : f.kind + ": ") + normalize_reason(f.reason);
    inc(s["failures"][f.stage.empty() ? stage : f.stage], reason);
  };
  for (const Shard* u : upstream)
    for (const auto& f : u->failures) add_failure(f, u->stage);
  for (const auto& f : m.failures) add_failure(f, "merge");
  s["classes"] = json::object();
  auto rt = retrieve.tables.find("regions");
  if (rt != retrieve.tables.end() && rt->second.has("label")) {
    const auto& labels = rt->second.bytes("label");
    const auto& rows = rt->second.i64("item_row");
    std::set<std::pair<int64_t, std::string>> seen;
    for (size_t r = 0; r < labels.size(); ++r) {
      inc(s["classes"][labels[r]], "regions");
      if (seen.insert({rows[r], labels[r]}).second) inc(s["classes"][labels[r]], "items");
    }
  }
  s["items"] = {{"retrieved", static_cast<int64_t>(retrieve.items.rows())}};
  return s;
}

void add_into(json& total, const json& part) {
  for (auto it = part.begin(); it != part.end(); ++it) {
    if (it->is_object()) {
      if (!total.contains(it.key()) || !total[it.key()].is_object()) total[it.key()] = json::object();
      add_into(total[it.key()], *it);
    } else if (it->is_number_integer()) {
      total[it.key()] = total.value(it.key(), int64_t{0}) + it->get<int64_t>();
    } else {
      total[it.key()] = *it;
    }
  }
}

json finalize_stats(const json& total) {
  json out;
  const json empty = json::object();
  const json& samples = total.contains("samples") ? total["samples"] : empty;
  const int64_t train = samples.value("train", 0), eval = samples.value("eval", 0);
  out["samples"] = {{"train", train}, {"eval", eval}, {"total", train + eval}};
  const json& closed = total.contains("closed") ? total["closed"] : empty;
  out["closed_samples"] = {{"train", closed.value("train", 0)}, {"eval", closed.value("eval", 0)}};
  const json& images = total.contains("images") ? total["images"] : empty;
  out["image_rows"] = {{"train", images.value("train", 0)}, {"eval", images.value("eval", 0)}};
  std::map<int64_t, int64_t> all_words;
  out["tasks"] = json::object();
  if (total.contains("tasks"))
    for (auto it = total["tasks"].begin(); it != total["tasks"].end(); ++it) {
      std::map<int64_t, int64_t> hist;
      if (total.contains("words") && total["words"].contains(it.key()))
        for (auto w = total["words"][it.key()].begin(); w != total["words"][it.key()].end(); ++w) {
          hist[std::stoll(w.key())] += w->get<int64_t>();
          all_words[std::stoll(w.key())] += w->get<int64_t>();
        }
      const int64_t tr = it->value("train", 0), ev = it->value("eval", 0);
      out["tasks"][it.key()] = {{"train", tr}, {"eval", ev}, {"total", tr + ev}, {"words", words_summary(hist)}};
    }
  out["words"] = words_summary(all_words);
  out["words_note"] = "sample length estimate: whitespace-separated words of question + answer (no image tokens)";
  out["classes"] = total.contains("classes") ? total["classes"] : empty;
  out["failures"] = json::object();
  if (total.contains("failures"))
    for (auto st = total["failures"].begin(); st != total["failures"].end(); ++st) {
      int64_t n = 0;
      for (auto r = st->begin(); r != st->end(); ++r) n += r->get<int64_t>();
      out["failures"][st.key()] = {{"total", n}, {"reasons", *st}};
    }
  if (total.contains("items")) out["items"] = total["items"];
  return out;
}

std::string stats_markdown(const json& f) {
  std::ostringstream md;
  md << "# Merged dataset stats\n\n";
  md << "Samples: " << f["samples"]["total"] << " (train " << f["samples"]["train"] << ", eval " << f["samples"]["eval"]
     << "); closed: train " << f["closed_samples"]["train"] << ", eval " << f["closed_samples"]["eval"] << ".\n\n";
  md << "## Tasks\n| task | train | eval | words mean | p50 | p95 | max |\n|---|---|---|---|---|---|---|\n";
  for (auto it = f["tasks"].begin(); it != f["tasks"].end(); ++it) {
    const json& w = (*it)["words"];
    md << "| " << it.key() << " | " << (*it)["train"] << " | " << (*it)["eval"] << " | " << w["mean"] << " | "
       << w["p50"] << " | " << w["p95"] << " | " << w["max"] << " |\n";
  }
  md << "\nWords are whitespace-separated words of question + answer, an estimate of text length.\n";
  std::vector<std::pair<int64_t, std::string>> classes;
  for (auto it = f["classes"].begin(); it != f["classes"].end(); ++it)
    classes.push_back({-it->value("regions", 0), it.key()});
  std::sort(classes.begin(), classes.end());
  md << "\n## Classes (retrieved labels)\n| label | regions | items |\n|---|---|---|\n";
  for (const auto& [neg, label] : classes)
    md << "| " << label << " | " << -neg << " | " << f["classes"][label].value("items", 0) << " |\n";
  md << "\n## Failures per stage\n";
  if (f["failures"].empty()) md << "None.\n";
  for (auto st = f["failures"].begin(); st != f["failures"].end(); ++st) {
    md << "\n### " << st.key() << " (" << (*st)["total"] << ")\n| reason | count |\n|---|---|\n";
    std::vector<std::pair<int64_t, std::string>> rs;
    for (auto r = (*st)["reasons"].begin(); r != (*st)["reasons"].end(); ++r)
      rs.push_back({-r->get<int64_t>(), r.key()});
    std::sort(rs.begin(), rs.end());
    for (const auto& [neg, reason] : rs) {
      std::string cell = reason;
      std::replace(cell.begin(), cell.end(), '|', '/');
      md << "| " << cell << " | " << -neg << " |\n";
    }
  }
  return md.str();
}

}  // namespace cf::merge
