// Structured captioner: positions, plurals, raw/fine captions, image attributes, prompt
// templates and the openai request building.
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "core/prompts.h"
#include "synth/caption/image_attributes.h"
#include "synth/caption/openai_caption.h"
#include "synth/caption/scene_text.h"

using namespace cf::synth;
using cf::fill_template;
using cf::load_prompt;

namespace {

RetrievedRegion region(const std::string& label, float x, float y, float w, float h, int64_t id = 0) {
  RetrievedRegion r;
  r.region_id = id;
  r.label = label;
  r.kb_name = label;
  r.box[0] = x;
  r.box[1] = y;
  r.box[2] = w;
  r.box[3] = h;
  return r;
}

std::string jpeg(cv::Scalar top, cv::Scalar bottom) {
  cv::Mat m(100, 160, CV_8UC3, bottom);
  m(cv::Rect(0, 0, 160, 30)).setTo(top);
  std::vector<uchar> buf;
  cv::imencode(".jpg", m, buf);
  return std::string(buf.begin(), buf.end());
}

}  // namespace

TEST(CaptionText, PositionsAndDistances) {
  float left_far[4] = {10, 80, 20, 15}, center_near[4] = {280, 200, 100, 150}, right_mid[4] = {500, 150, 40, 60};
  EXPECT_EQ(horizontal_position(left_far, 640), "left");
  EXPECT_EQ(distance_band(left_far, 360), "far");
  EXPECT_EQ(horizontal_position(center_near, 640), "center");
  EXPECT_EQ(distance_band(center_near, 360), "near");
  EXPECT_EQ(horizontal_position(right_mid, 640), "right");
  EXPECT_EQ(distance_band(right_mid, 360), "mid");
}

TEST(CaptionText, PluralsAndArticles) {
  EXPECT_EQ(plural("car"), "cars");
  EXPECT_EQ(plural("bus"), "buses");
  EXPECT_EQ(plural("person"), "people");
  EXPECT_EQ(plural("lorry"), "lorries");
  EXPECT_EQ(plural("traffic cone"), "traffic cones");
  EXPECT_EQ(with_article("animal"), "an animal");
  EXPECT_EQ(with_article("car"), "a car");
}

TEST(CaptionText, RawCaptionCountsAndPlaces) {
  ImageAttributes a;
  a.time_of_day = "night";
  std::vector<RetrievedRegion> objs = {region("car", 280, 200, 100, 150, 1), region("car", 10, 80, 20, 15, 2),
                                       region("traffic cone", 500, 150, 40, 60, 3)};
  std::string s = raw_caption(a, objs, 2, 640, 360);
  EXPECT_EQ(s,
            "A nighttime dashcam view of the road ahead. There are two cars: one close to the ego vehicle in the "
            "center and one far ahead on the left. There is a traffic cone at mid distance on the right. Two "
            "further regions are not recognised.");
  EXPECT_NE(raw_caption(ImageAttributes{}, {}, 0, 640, 360).find("No road users"), std::string::npos);
}

TEST(CaptionText, ObjectsSelectionAndFineCaption) {
  auto cone = region("traffic cone", 500, 150, 40, 60, 3);
  cone.description = "A traffic cone is a cone-shaped marker. It is placed on roads to redirect traffic. More text.";
  cone.relevance = 0.9;
  auto unknown = region("unknown", 0, 0, 300, 300, 4);
  auto car = region("car", 280, 200, 100, 150, 1);
  auto objs = caption_objects({car, unknown, cone}, 5);
  ASSERT_EQ(objs.size(), 2u);
  EXPECT_EQ(objs[0].label, "traffic cone");  // most relevant first, unknown dropped
  EXPECT_EQ(objects_json(objs)[0]["box"][0], 500.0);
  std::string fine = fine_caption("Raw.", objs, 60);
  EXPECT_EQ(fine,
            "Raw. About the traffic cone: A traffic cone is a cone-shaped marker. It matters for driving and calls for "
            "attention.");
  EXPECT_EQ(caption_objects({car, cone}, 1).size(), 1u);
}

TEST(CaptionText, ImageAttributesFromPixels) {
  auto day = estimate_attributes(jpeg({230, 160, 90}, {120, 120, 120}), 0.25, 0.05);  // BGR: blue sky
  EXPECT_EQ(day.time_of_day, "day");
  EXPECT_EQ(day.sky, "blue");
  auto night = estimate_attributes(jpeg({20, 20, 20}, {30, 30, 30}), 0.25, 0.05);
  EXPECT_EQ(night.time_of_day, "night");
  EXPECT_TRUE(night.low_contrast);
  EXPECT_THROW(estimate_attributes("not a jpeg", 0.25, 0.1), cf::Error);
  EXPECT_EQ(ImageAttributes::from_json(day.to_json()).sky, "blue");
}

TEST(CaptionPrompts, TemplatesAndShippedPrompts) {
  EXPECT_EQ(fill_template("a {{x}} b {{y}}", {{"x", "1"}, {"y", "2"}}, "k"), "a 1 b 2");
  EXPECT_THROW(fill_template("{{nope}}", {}, "caption.prompt_raw"), cf::ConfigError);
  for (const char* n :
       {"caption_system", "caption_raw", "caption_refine", "qa_system", "qa_generate", "cosmos_annotation"})
    EXPECT_FALSE(load_prompt(n, "", "k").empty()) << n;
  EXPECT_THROW(load_prompt("caption_raw", "/nonexistent/prompt.txt", "caption.prompt_raw"), cf::ConfigError);
}

TEST(CaptionPrompts, OpenAiRequestsCarryImageObjectsAndDescriptions) {
  CaptionPrompts p;
  p.system = "sys";
  p.raw = load_prompt("caption_raw", "", "k");
  p.refine = load_prompt("caption_refine", "", "k");
  ItemView v;
  v.width = 640;
  v.height = 360;
  std::string img = "JPEGBYTES";
  v.image = &img;
  auto cone = region("traffic cone", 500.4f, 150, 40, 60, 3);
  cone.description = "Marks a closed lane.";
  auto r = raw_caption_request(p, v, {cone});
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[1].image_jpeg, "JPEGBYTES");
  EXPECT_NE(r.messages[1].text.find("- traffic cone [500, 150, 40, 60]"), std::string::npos);
  EXPECT_NE(r.messages[1].text.find("640x360"), std::string::npos);
  auto f = refine_request(p, "RAW CAPTION", {cone});
  EXPECT_TRUE(f.messages[1].image_jpeg.empty());
  EXPECT_NE(f.messages[1].text.find("RAW CAPTION"), std::string::npos);
  EXPECT_NE(f.messages[1].text.find("- traffic cone: Marks a closed lane."), std::string::npos);
}
