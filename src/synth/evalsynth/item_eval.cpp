#include "synth/evalsynth/item_eval.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "synth/common/rle.h"
#include "synth/evalsynth/class_map.h"

namespace cf::evalsynth {
namespace {

using json = nlohmann::json;

void inc(json& obj, const std::string& key, int64_t n = 1) {
  if (!obj.is_object()) obj = json::object();
  obj[key] = obj.value(key, int64_t{0}) + n;
}

std::string replace_dir(const std::string& source, const std::string& dir, const std::string& ext) {
  const size_t slash = source.find('/'), dot = source.rfind('.');
  if (slash == std::string::npos || dot == std::string::npos || dot < slash)
    throw DataError("eval-synthesis: source '" + source + "' is not a cf-scenegen image path (images/scene_N.jpg)");
  return dir + source.substr(slash, dot - slash) + ext;
}

double rate(const json& t, const char* num, const char* den) {
  const double d = t.value(den, 0.0);
  return d > 0 ? t.value(num, 0.0) / d : 0.0;
}

}  // namespace

SceneTruth load_truth(const std::string& corpus, const std::string& source, int width, int height) {
  const std::string label_path = corpus + "/" + replace_dir(source, "labels", ".json");
  const std::string mask_path = corpus + "/" + replace_dir(source, "masks", ".png");
  std::ifstream f(label_path);
  if (!f) throw DataError("eval-synthesis: no ground truth '" + label_path + "' for '" + source + "'");
  const json label = json::parse(f);
  SceneTruth t;
  t.ids = cv::imread(mask_path, cv::IMREAD_UNCHANGED);
  if (t.ids.empty() || t.ids.type() != CV_16UC1)
    throw DataError("eval-synthesis: '" + mask_path + "' is missing or not a 16-bit mask");
  if (t.ids.cols != width || t.ids.rows != height)
    cv::resize(t.ids, t.ids, cv::Size(width, height), 0, 0, cv::INTER_NEAREST);
  std::map<int64_t, int64_t> area;
  for (int y = 0; y < t.ids.rows; ++y)
    for (int x = 0; x < t.ids.cols; ++x) ++area[t.ids.at<uint16_t>(y, x)];
  for (const auto& o : label.at("objects")) {
    GtObject g;
    g.id = o.at("id").get<int64_t>();
    g.cls = o.at("class").get<std::string>();
    if (o.contains("attributes")) g.kind = o["attributes"].value("kind", "");
    g.area = area.count(g.id) ? area[g.id] : 0;
    if (g.area > 0) t.objects.push_back(g);
  }
  return t;
}

json eval_item(const SceneTruth& truth, const std::vector<RegionIn>& regions,
               const std::vector<std::string>& caption_labels,
               const std::vector<std::pair<std::string, std::string>>& closed_qa, const EvalOptions& o) {
  json out = json::object();
  const int h = truth.ids.rows;
  // Intersections of every region with every GT instance, walking the RLE runs (column-major).
  std::map<int64_t, double> best_iou;
  std::map<int64_t, std::string> best_label;
  std::map<int64_t, int64_t> gt_area;
  for (const auto& g : truth.objects) gt_area[g.id] = g.area;
  for (const auto& r : regions) {
    const synth::Rle rle = synth::rle_from_string(r.rle, truth.ids.rows, truth.ids.cols);
    std::map<int64_t, int64_t> inter;
    int64_t pos = 0, area = 0;
    for (size_t k = 0; k < rle.counts.size(); ++k) {
      if (k % 2 == 1)
        for (int64_t p = pos; p < pos + rle.counts[k]; ++p)
          ++inter[truth.ids.at<uint16_t>(static_cast<int>(p % h), static_cast<int>(p / h))];
      if (k % 2 == 1) area += rle.counts[k];
      pos += rle.counts[k];
    }
    for (const auto& [id, n] : inter) {
      if (id == 0 || !gt_area.count(id)) continue;
      const double iou = static_cast<double>(n) / static_cast<double>(area + gt_area[id] - n);
      if (iou > best_iou[id]) {
        best_iou[id] = iou;
        best_label[id] = r.label;
      }
    }
  }
  std::set<std::string> gt_classes, large_classes;
  for (const auto& g : truth.objects) {
    gt_classes.insert(g.cls);
    if (g.area >= o.large_area) large_classes.insert(g.cls);
    if (g.area < o.min_area) continue;
    json& c = out["objects"][g.cls];
    inc(c, "gt");
    inc(out["totals"], "gt");
    if (best_iou[g.id] < o.iou) continue;
    inc(c, "matched");
    inc(out["totals"], "matched");
    const auto m = map_label(best_label[g.id]);
    if (m && m->cls == g.cls) {
      inc(c, "named");
      inc(out["totals"], "named");
    } else inc(out["confusions"], g.cls + " -> " + best_label[g.id]);
  }
  // Captions: classes of the caption's objects list; "unknown object" names no class.
  std::set<std::string> mentioned;
  for (const auto& l : caption_labels) {
    const auto m = map_label(l);
    if (m) mentioned.insert(m->cls);
    else if (l.find("unknown") == std::string::npos && !l.empty()) mentioned.insert(l);
  }
  for (const auto& m : mentioned) {
    inc(out["caption"], "mentioned");
    if (!gt_classes.count(m)) {
      inc(out["caption"], "hallucinated");
      inc(out["hallucinated_classes"], m);
    }
  }
  for (const auto& c : large_classes) {
    inc(out["caption"], "large");
    if (!mentioned.count(c)) {
      inc(out["caption"], "missed");
      inc(out["missed_classes"], c);
    }
  }
  // Closed questions: counts and presence against every visible GT instance.
  for (const auto& [q, a] : closed_qa) {
    const ClosedQuestion cq = parse_closed_question(q);
    const auto m = map_label(cq.label);
    const char* kind = cq.kind == ClosedQuestion::Kind::Count      ? "count"
                       : cq.kind == ClosedQuestion::Kind::Presence ? "presence"
                                                                   : "other";
    inc(out["closed"][kind], "total");
    if (!m) {
      inc(out["closed"][kind], "unscorable");
      continue;
    }
    int64_t n = 0;
    for (const auto& g : truth.objects) n += g.cls == m->cls && (m->kind.empty() || g.kind == m->kind);
    const bool ok = cq.kind == ClosedQuestion::Kind::Count ? a == std::to_string(n) : a == (n > 0 ? "Yes" : "No");
    if (ok) inc(out["closed"][kind], "correct");
  }
  inc(out, "items");
  return out;
}

json eval_report(const json& t) {
  json r;
  const json empty = json::object();
  const json& tot = t.contains("totals") ? t["totals"] : empty;
  const json& cap = t.contains("caption") ? t["caption"] : empty;
  r["items"] = t.value("items", 0);
  r["objects"] = tot.value("gt", 0);
  r["object_recall"] = rate(tot, "matched", "gt");
  r["naming_accuracy"] = rate(tot, "named", "matched");
  r["caption_hallucinated_rate"] = rate(cap, "hallucinated", "mentioned");
  r["caption_missed_rate"] = rate(cap, "missed", "large");
  int64_t total = 0, correct = 0;
  if (t.contains("closed"))
    for (auto it = t["closed"].begin(); it != t["closed"].end(); ++it) {
      total += it->value("total", 0);
      correct += it->value("correct", 0);
    }
  r["closed_questions"] = total;
  r["closed_correct"] = total ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
  r["per_class"] = json::object();
  if (t.contains("objects"))
    for (auto it = t["objects"].begin(); it != t["objects"].end(); ++it)
      r["per_class"][it.key()] = {{"gt", it->value("gt", 0)},
                                  {"recall", rate(*it, "matched", "gt")},
                                  {"naming", rate(*it, "named", "matched")}};
  for (const char* k : {"closed", "caption", "hallucinated_classes", "missed_classes", "confusions"})
    r["counts"][k] = t.contains(k) ? t[k] : empty;
  return r;
}

std::string eval_markdown(const json& r) {
  std::ostringstream md;
  char buf[64];
  auto pct = [&](double v) {
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return std::string(buf);
  };
  md << "| metric | value | target |\n|---|---|---|\n";
  md << "| object recall (mask IoU >= 0.5) | " << pct(r["object_recall"]) << " | >= 0.8 |\n";
  md << "| naming accuracy of matched regions | " << pct(r["naming_accuracy"]) << " | >= 0.9 |\n";
  md << "| caption hallucinated-object rate | " << pct(r["caption_hallucinated_rate"]) << " | <= 0.05 |\n";
  md << "| caption missed-object rate | " << pct(r["caption_missed_rate"]) << " | |\n";
  md << "| closed-answer correctness | " << pct(r["closed_correct"]) << " | >= 0.95 |\n";
  md << "\n"
     << r["items"] << " images, " << r["objects"] << " objects, " << r["closed_questions"] << " closed questions.\n";
  md << "\n| class | GT objects | recall | naming |\n|---|---|---|---|\n";
  for (auto it = r["per_class"].begin(); it != r["per_class"].end(); ++it)
    md << "| " << it.key() << " | " << (*it)["gt"] << " | " << pct((*it)["recall"]) << " | " << pct((*it)["naming"])
       << " |\n";
  return md.str();
}

}  // namespace cf::evalsynth
