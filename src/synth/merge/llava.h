// LLaVA-format export of cf-merge: one conversation record per sample, images as files.
//   {"id": "...", "image": "images/scene_000003.jpg" | [..., ...],
//    "conversations": [{"from": "human", "value": "<image>\nQUESTION"}, {"from": "gpt", "value": "ANSWER"}]}
// One "<image>\n" per image precedes the question, in image order.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "synth/merge/samples.h"

namespace cf::merge {

// Relative path (under OUT/llava/) of an ingest item's image: "images/" + item_id with '#'
// turned into '/', plus ".jpg" unless it already ends in .jpg/.jpeg. Throws DataError for ids
// that would leave the directory (absolute, "..").
std::string llava_image_path(const std::string& item_id);

nlohmann::json llava_record(const Sample& s);

}  // namespace cf::merge
