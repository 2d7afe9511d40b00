// The structured captioner's words: where an object is (left/center/right from the box centre,
// near/mid/far from its size and bottom edge), English plurals and articles, the raw caption
// (attributes, counts and positions of the recognised regions) and the fine caption (raw
// caption refined with the retrieved descriptions).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "synth/caption/image_attributes.h"
#include "synth/common/upstream.h"

namespace cf::synth {

std::string horizontal_position(const float box[4], int64_t width);  // "left", "center", "right"
std::string distance_band(const float box[4], int64_t height);       // "near", "mid", "far"
std::string plural(const std::string& noun);
std::string with_article(const std::string& noun);  // "a car", "an animal"

// The regions a caption mentions: distinct confident objects (RetrievedRegion::object), most
// relevant and largest first, at most `max`.
std::vector<RetrievedRegion> caption_objects(const std::vector<RetrievedRegion>& regions, size_t max);
// [{"label","box":[x,y,w,h] (pixels, -1 unknown),"kb_name"}] of `objects`.
nlohmann::json objects_json(const std::vector<RetrievedRegion>& objects);

std::string raw_caption(const ImageAttributes& attrs, const std::vector<RetrievedRegion>& objects,
                        size_t unknown_regions, int64_t width, int64_t height);
// First sentences of `text` within `max_chars` (whole sentences when possible).
std::string first_sentences(const std::string& text, size_t max_chars);
std::string fine_caption(const std::string& raw, const std::vector<RetrievedRegion>& objects,
                         size_t max_description_chars);

}  // namespace cf::synth
