// Draws primitives into the image and, with the same geometry, the 16-bit instance mask.
// Colours pass through the atmosphere (night light, fog by depth) unless emissive.
// The painter also tracks the drawn extent of the current object and collects light sources
// that render_weather turns into glow.
#pragma once
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

namespace cf::scenegen {

struct Atmosphere {
  cv::Scalar fog_color{200, 200, 200};
  double visibility = 800;  // metres; fog fraction at depth z is 1 - exp(-z / visibility)
  double ambient = 1.0;     // light level (night < 1)
  double headlight = 0.0;   // extra light close to the ego at night
  cv::Scalar tint{1, 1, 1};
  double contrast = 1.0;
  cv::Scalar apply(const cv::Scalar& c, double z, bool emissive = false) const;
};

struct Light {
  cv::Point2d center;
  double radius;  // px
  cv::Scalar color;
  double strength;         // 0..1
  cv::Point2d reflection;  // on a wet road; (-1, -1) = none
};

class Painter {
 public:
  Painter(cv::Mat& image, cv::Mat& mask, const Atmosphere& atm);

  void set_depth(double z) { depth_ = z; }
  void set_emissive(bool e) { emissive_ = e; }
  void set_id(int id) { id_ = id; }                    // mask value of following primitives (0 = occluder)
  void set_mask(bool enabled) { mask_on_ = enabled; }  // background passes skip the mask

  void poly(const std::vector<cv::Point2d>& pts, const cv::Scalar& c);
  void quad(cv::Point2d a, cv::Point2d b, cv::Point2d c, cv::Point2d d, const cv::Scalar& col);
  void rect(double x0, double y0, double x1, double y1, const cv::Scalar& c);
  void ellipse(cv::Point2d center, cv::Size2d axes, double angle, const cv::Scalar& c);
  void circle(cv::Point2d center, double r, const cv::Scalar& c) { ellipse(center, {r, r}, 0, c); }
  void line(cv::Point2d a, cv::Point2d b, double thickness, const cv::Scalar& c);
  void text(const std::string& s, cv::Point2d center, double height, const cv::Scalar& c);
  void shade(const std::vector<cv::Point2d>& pts, double factor);  // darken image only (shadows)
  void blend_poly(const std::vector<cv::Point2d>& pts, const cv::Scalar& c, double alpha);  // image only
  void glow(cv::Point2d center, double radius, const cv::Scalar& c, double strength, cv::Point2d reflection = {-1, -1});

  // Object bookkeeping: pixels of `id` drawn between begin and end (before later occluders).
  void begin_object(int id);
  int64_t end_object();

  const std::vector<Light>& lights() const { return lights_; }
  const Atmosphere& atmosphere() const { return atm_; }
  cv::Mat& image() { return img_; }
  double depth() const { return depth_; }

 private:
  void touch(const cv::Rect& r);
  cv::Mat& img_;
  cv::Mat& mask_;
  Atmosphere atm_;
  double depth_ = 10;
  bool emissive_ = false, mask_on_ = true;
  int id_ = 0;
  cv::Rect extent_;
  bool tracking_ = false;
  std::vector<Light> lights_;
};

}  // namespace cf::scenegen
