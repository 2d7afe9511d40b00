#include "synth/merge/llava.h"

#include <algorithm>
#include <sstream>

#include "core/error.h"

namespace cf::merge {

std::string llava_image_path(const std::string& item_id) {
  std::string p = item_id;
  std::replace(p.begin(), p.end(), '#', '/');
  std::istringstream parts(p);
  std::string part;
  while (std::getline(parts, part, '/'))
    if (part == "..") throw DataError("merge: item id '" + item_id + "' has a '..' component");
  if (p.empty() || p[0] == '/') throw DataError("merge: item id '" + item_id + "' is not a relative path");
  auto ends = [&](const std::string& e) {
    return p.size() >= e.size() && p.compare(p.size() - e.size(), e.size(), e) == 0;
  };
  if (!ends(".jpg") && !ends(".jpeg")) p += ".jpg";
  return "images/" + p;
}

nlohmann::json llava_record(const Sample& s) {
  nlohmann::json r;
  r["id"] = s.sample_id;
  std::string prompt;
  if (s.image_ids.size() == 1) {
    r["image"] = llava_image_path(s.image_ids[0]);
  } else if (!s.image_ids.empty()) {
    nlohmann::json imgs = nlohmann::json::array();
    for (const auto& id : s.image_ids) imgs.push_back(llava_image_path(id));
    r["image"] = imgs;
  }
  for (size_t k = 0; k < s.image_ids.size(); ++k) prompt += "<image>\n";
  r["conversations"] = nlohmann::json::array(
      {{{"from", "human"}, {"value", prompt + s.question}}, {{"from", "gpt"}, {"value", s.answer}}});
  return r;
}

}  // namespace cf::merge
