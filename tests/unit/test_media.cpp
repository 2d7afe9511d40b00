#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "media/image.h"
#include "media/video.h"

namespace {

std::string encode(const cv::Mat& img, const std::string& ext) {
  std::vector<uchar> buf;
  cv::imencode(ext, img, buf);
  return std::string(buf.begin(), buf.end());
}

cv::Mat pattern(int w, int h) {
  cv::Mat m(h, w, CV_8UC3);
  cv::randu(m, 0, 255);
  cv::GaussianBlur(m, m, cv::Size(9, 9), 3);
  return m;
}

std::string reason(const std::string& bytes, cf::media::ImageLimits lim = {}) {
  try {
    cf::media::decode_image(bytes, lim, nullptr, nullptr);
  } catch (const cf::media::MediaError& e) {
    return e.what();
  }
  return "";
}

TEST(Media, DecodesAndFitsMaxSide) {
  int w = 0, h = 0;
  cf::media::ImageLimits lim;
  lim.max_side = 320;
  auto jpg = cf::media::decode_image(encode(pattern(1280, 720), ".jpg"), lim, &w, &h);
  EXPECT_EQ(w, 1280);
  EXPECT_EQ(h, 720);
  EXPECT_EQ(jpg.cols, 320);  // 1/4-scale libjpeg decode: exactly 320x180
  EXPECT_EQ(jpg.rows, 180);
  auto png = cf::media::decode_image(encode(pattern(100, 50), ".png"), lim, &w, &h);
  EXPECT_EQ(png.cols, 100);  // never enlarged
  auto tall = cf::media::fit_max_side(pattern(30, 3000), 300);
  EXPECT_EQ(tall.rows, 300);
  EXPECT_EQ(tall.cols, 3);
}

TEST(Media, BadInputsGiveReasons) {
  const std::string jpg = encode(pattern(200, 100), ".jpg"), png = encode(pattern(200, 100), ".png");
  EXPECT_EQ(reason(""), "empty file");
  EXPECT_NE(reason("hello, not an image").find("not a supported image"), std::string::npos);
  EXPECT_NE(reason(jpg.substr(0, jpg.size() / 2)).find("truncated JPEG"), std::string::npos);
  EXPECT_NE(reason(png.substr(0, png.size() - 20)).find("truncated PNG"), std::string::npos);
  cf::media::ImageLimits small;
  small.max_pixels = 1000;
  EXPECT_NE(reason(png, small).find("exceed media.max_pixels"), std::string::npos);
  std::string garbage = jpg;  // valid header and end marker, garbage in between
  for (size_t i = 600; i + 600 < garbage.size(); ++i) garbage[i] = static_cast<char>(i * 31);
  EXPECT_NO_THROW({
    try {
      cf::media::decode_image(garbage, {}, nullptr, nullptr);
    } catch (const cf::media::MediaError&) {}
  });
}

TEST(Media, HashesSeeContentNotFormat) {
  cv::Mat img = pattern(64, 48);
  auto a = cf::media::decode_image(encode(img, ".png"), {}, nullptr, nullptr);
  auto b = cf::media::decode_image(encode(img, ".bmp"), {}, nullptr, nullptr);
  EXPECT_EQ(cf::media::content_hash(a), cf::media::content_hash(b));
  cv::Mat c = img.clone();
  c.at<cv::Vec3b>(0, 0)[0] ^= 1;
  EXPECT_NE(cf::media::content_hash(img), cf::media::content_hash(c));
  EXPECT_LE(cf::media::hamming_distance(cf::media::perceptual_hash(img), cf::media::perceptual_hash(c)), 2);
  EXPECT_GT(cf::media::hamming_distance(cf::media::perceptual_hash(img), cf::media::perceptual_hash(pattern(64, 48))),
            10);
}

TEST(Media, FramePlanUniformAndFps) {
  cf::media::VideoSampling s;
  s.mode = "uniform";
  s.frames_per_clip = 4;
  s.clip_seconds = 2.0;
  auto p = cf::media::plan_frames(50, 10.0, s);  // 5 s -> clips of 2, 2, 1 s
  ASSERT_EQ(p.size(), 12u);
  EXPECT_EQ(p[0].source_frame, 2);  // (0 + 0.5 * 2/4) s * 10 fps
  EXPECT_EQ(p[3].source_frame, 17);
  EXPECT_EQ(p[4].clip, 1);
  EXPECT_EQ(p[11].clip, 2);
  EXPECT_LT(p[11].source_frame, 50);
  s.mode = "fps";
  s.fps = 2.0;
  s.max_clips = 1;
  p = cf::media::plan_frames(50, 10.0, s);
  ASSERT_EQ(p.size(), 4u);  // 0, 0.5, 1.0, 1.5 s
  EXPECT_EQ(p[3].source_frame, 15);
  EXPECT_TRUE(cf::media::plan_frames(0, 10.0, s).empty());
}

}  // namespace
